using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tun;

/// <summary>
/// The host commands that configure a TUN interface, one implementation per OS (the <c>ip</c> command on Linux,
/// <c>netsh</c> on Windows). Control plane only: each call may run an external tool and throws
/// <see cref="TunDeviceException"/> when the host refuses.
/// </summary>
internal interface ITunHostCommands
{
    /// <summary>Sets the interface's MTU and brings it up (where the OS does not bring it up by itself).</summary>
    void SetMtuAndUp(string device, int mtu);

    void AddAddress(string device, TunAddress address);

    /// <summary>Routes <paramref name="prefix"/> into the interface, replacing a stale route to the same prefix where the OS can.</summary>
    void AddRoute(string device, IpPrefix prefix);

    void DeleteRoute(string device, IpPrefix prefix);
}
