namespace MeshActors.Node.Tunnels;

/// <summary>What the tunnels count (<c>meshactors_tunnel_events_total{event}</c>, <c>GET /api/v1/tunnels</c>).</summary>
public enum TunnelEvent
{
    /// <summary>Streams this node opened (a connection or a UDP client on one of its tunnels).</summary>
    StreamsOpened,

    /// <summary>Streams other nodes opened to a port this node exposes, connected.</summary>
    StreamsAccepted,

    /// <summary>Streams to a protocol and port this node does not expose.</summary>
    RefusedNotExposed,

    /// <summary>Streams to an exposed port nothing accepted on.</summary>
    RefusedConnectFailed,

    /// <summary>Streams beyond tunnels.max-streams.</summary>
    RefusedTooMany,

    /// <summary>Streams this node opened that the far node refused, or that could not reach it.</summary>
    OpenFailed,

    /// <summary>Streams ended by a reset (an error, an idle UDP stream, a tunnel closed) rather than both sides finishing.</summary>
    StreamsReset,

    /// <summary>Streams that ended with both sides finished.</summary>
    StreamsClosed,

    BytesSent,

    BytesReceived,

    /// <summary>UDP datagrams dropped because the stream's window was full.</summary>
    DatagramsDropped,

    /// <summary>Tunnel-bus messages that were no valid tunnel frame.</summary>
    FramesMalformed,

    /// <summary>Frames for a stream this node does not know (ended, or never opened).</summary>
    FramesUnknownStream,
}
