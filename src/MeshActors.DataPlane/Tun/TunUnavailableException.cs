namespace MeshActors.DataPlane.Tun;

/// <summary>
/// The node cannot have a TUN device at all on this host: the driver is missing or the process lacks the
/// privilege. Not worth retrying; the message ends with what the operator can do about it.
/// </summary>
public sealed class TunUnavailableException : Exception
{
    public TunUnavailableException(string problem, string remedy)
        : base($"{problem}; {remedy}")
    {
    }
}
