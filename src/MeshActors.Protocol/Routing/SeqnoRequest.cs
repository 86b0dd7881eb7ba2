namespace MeshActors.Protocol.Routing;

/// <summary>
/// Asks for an update of <paramref name="Prefix"/> from <paramref name="Originator"/> with a sequence number at
/// least <paramref name="Seqno"/> (RFC 8966 section 3.8.1.2). <paramref name="HopCount"/> bounds forwarding.
/// </summary>
public readonly record struct SeqnoRequest(RoutePrefix Prefix, RouterId Originator, ushort Seqno, byte HopCount);
