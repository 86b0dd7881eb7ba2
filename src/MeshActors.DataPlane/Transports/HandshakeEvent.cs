namespace MeshActors.DataPlane.Transports;

/// <summary>What happens to inbound handshakes besides a refusal.</summary>
public enum HandshakeEvent
{
    /// <summary>Connections accepted (TCP) or initiations received (UDP).</summary>
    Accepted,

    Established,

    /// <summary>Connections that did not complete the handshake in time.</summary>
    TimedOut,

    /// <summary>Connections closed at once because too many handshakes were already running.</summary>
    OverCapacity,

    /// <summary>Connections that ended or failed during the handshake.</summary>
    TransportFailed,
}
