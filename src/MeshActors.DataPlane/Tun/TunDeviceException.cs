namespace MeshActors.DataPlane.Tun;

/// <summary>
/// A TUN operation failed for a reason other than missing support or privilege: a bad or busy interface name,
/// an address or route the system refused, an I/O error on the device.
/// </summary>
public sealed class TunDeviceException : Exception
{
    public TunDeviceException(string message)
        : base(message)
    {
    }
}
