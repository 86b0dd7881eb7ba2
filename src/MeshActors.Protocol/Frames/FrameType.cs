namespace MeshActors.Protocol.Frames;

/// <summary>
/// The second byte of every link frame. Handshake frames carry their own inner AEAD tags; every other type is a
/// transport frame: its payload is sealed under the session key and followed by one <see cref="FrameLayout.TagSize"/> tag.
/// </summary>
public enum FrameType : byte
{
    HandshakeInit = 1,
    HandshakeResponse = 2,

    /// <summary>Third message of the XX pattern (initiator's static key); IK never sends it.</summary>
    HandshakeFinish = 3,
    Hello = 4,
    Ihu = 5,

    /// <summary>Opaque control payload (routing updates, gossip) interpreted above the link layer.</summary>
    Control = 6,

    /// <summary>Data payload sealed whole at the link layer, although its body is already sealed end to end.</summary>
    Data = 7,
    KeepAlive = 8,
    Close = 9,

    /// <summary>
    /// Data payload whose link seal covers only the 60-byte data header (and binds the end-to-end tag): the body is
    /// sealed end to end already, so a hop spends no per-byte cryptography on it. PROTOCOL.md §5.
    /// </summary>
    EndToEndData = 10,

    /// <summary>
    /// One piece of a Data or Control payload too long for one UDP datagram, sealed on its own like any transport
    /// frame; the receiver puts the pieces back together (<see cref="SegmentHeader"/>, PROTOCOL.md §2).
    /// </summary>
    Segment = 11,

    /// <summary>
    /// A hole-punching probe (PROTOCOL.md §8): neither handshake nor transport frame, it opens a NAT mapping and is
    /// only read by the UDP endpoint, which hands it to the punching attempt whose token it carries.
    /// </summary>
    Probe = 12,
}

public static class FrameTypes
{
    public static bool IsHandshake(this FrameType type) => type is >= FrameType.HandshakeInit and <= FrameType.HandshakeFinish;

    public static bool IsTransport(this FrameType type) => type is >= FrameType.Hello and <= FrameType.Segment;

    /// <summary>True for both Data frame types: the payload is a Data payload for the forwarder.</summary>
    public static bool IsData(this FrameType type) => type is FrameType.Data or FrameType.EndToEndData;
}
