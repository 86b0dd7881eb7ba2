namespace MeshActors.DataPlane.Transports;

/// <summary>What became of a probe datagram; the snake_case name is the metrics label.</summary>
public enum ProbeResult
{
    Sent,

    /// <summary>Probes the socket refused to send (an unreachable network, a family it cannot reach).</summary>
    SendFailed,

    /// <summary>Probes that named a registered attempt.</summary>
    Received,

    /// <summary>Probe datagrams that were malformed or named no registered attempt.</summary>
    Unknown,
}
