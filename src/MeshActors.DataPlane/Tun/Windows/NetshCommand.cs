using System.Net.Sockets;
using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tun.Windows;

/// <summary>
/// The <c>netsh interface ipv4|ipv6</c> commands that configure a Wintun adapter. Everything is added with
/// <c>store=active</c>: nothing survives a reboot, and closing the adapter removes it at once.
/// </summary>
/// <remarks>Control plane only; every method spawns one netsh process.</remarks>
internal sealed class NetshCommand : ITunHostCommands
{
    private readonly ExternalCommand _netsh = new("netsh");

    /// <summary>Sets the MTU for both families; a Wintun adapter is up as soon as its session starts.</summary>
    public void SetMtuAndUp(string adapter, int mtu)
    {
        foreach (var family in (string[])["ipv4", "ipv6"])
        {
            _netsh.Run("interface", family, "set", "subinterface", adapter, $"mtu={mtu}", "store=active");
        }
    }

    public void AddAddress(string adapter, TunAddress address) =>
        _netsh.Run("interface", Family(address.IsIPv6), "add", "address", adapter, $"address={address}", "store=active");

    public void AddRoute(string adapter, IpPrefix prefix) =>
        _netsh.Run("interface", Family(IsIPv6(prefix)), "add", "route", $"prefix={prefix}", $"interface={adapter}", "store=active");

    public void DeleteRoute(string adapter, IpPrefix prefix) =>
        _netsh.Run("interface", Family(IsIPv6(prefix)), "delete", "route", $"prefix={prefix}", $"interface={adapter}");

    private static bool IsIPv6(IpPrefix prefix) => prefix.Family == AddressFamily.InterNetworkV6;

    private static string Family(bool ipv6) => ipv6 ? "ipv6" : "ipv4";
}
