namespace MeshActors.DataPlane.Tun;

/// <summary>
/// Addresses of a TUN interface that change while it runs (an automatic IPv4 address that moved). Control plane
/// only; each call may run an external command and throws <see cref="TunDeviceException"/> when it fails.
/// </summary>
public interface ITunAddresses
{
    void AddAddress(TunAddress address);

    void RemoveAddress(TunAddress address);
}
