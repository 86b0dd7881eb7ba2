namespace MeshActors.DataPlane.Tun;

/// <summary>Outcome of writing one packet to a TUN device.</summary>
public enum TunWriteStatus
{
    /// <summary>The operating system took the packet.</summary>
    Written,

    /// <summary>
    /// The operating system refused this packet (not a valid IPv4/IPv6 packet, the interface
    /// was set down, or its send ring is full);
    /// the device stays usable.
    /// </summary>
    Rejected,

    /// <summary>The device has been disposed; the writer loop should end.</summary>
    Closed,
}
