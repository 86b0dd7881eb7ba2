using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tun.Linux;

/// <summary>
/// The iproute2 <c>ip</c> commands that configure a TUN interface: MTU and link state, addresses, routes.
/// Runs in the network namespace of the calling process, so a node started with <c>ip netns exec</c>
/// configures its own namespace.
/// </summary>
/// <remarks>Control plane only; every method spawns one <c>ip</c> process.</remarks>
internal sealed class IpCommand : ITunHostCommands
{
    private readonly ExternalCommand _ip = new("ip");

    public void SetMtuAndUp(string device, int mtu) =>
        _ip.Run("link", "set", "dev", device, "mtu", mtu.ToString(), "up");

    /// <summary>
    /// Adds an address. IPv6 addresses get <c>nodad</c>: the address is derived from our own key, so duplicate
    /// address detection can only delay it (by about a second) without ever finding a duplicate.
    /// </summary>
    public void AddAddress(string device, TunAddress address)
    {
        if (address.IsIPv6)
        {
            _ip.Run("-6", "address", "add", address.ToString(), "dev", device, "nodad");
        }
        else
        {
            _ip.Run("-4", "address", "add", address.ToString(), "dev", device);
        }
    }

    public void DeleteAddress(string device, TunAddress address) =>
        _ip.Run(address.IsIPv6 ? "-6" : "-4", "address", "del", address.ToString(), "dev", device);

    /// <summary>Adds a route, replacing any route to the same prefix so a stale entry cannot block the mesh.</summary>
    public void AddRoute(string device, IpPrefix prefix) =>
        _ip.Run(FamilyFlag(prefix), "route", "replace", prefix.ToString(), "dev", device);

    public void DeleteRoute(string device, IpPrefix prefix) =>
        _ip.Run(FamilyFlag(prefix), "route", "del", prefix.ToString(), "dev", device);

    private static string FamilyFlag(IpPrefix prefix) =>
        prefix.Family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "-6" : "-4";
}
