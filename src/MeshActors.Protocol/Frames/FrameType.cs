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
    Data = 7,
    KeepAlive = 8,
    Close = 9,
}

public static class FrameTypes
{
    public static bool IsHandshake(this FrameType type) => type is >= FrameType.HandshakeInit and <= FrameType.HandshakeFinish;

    public static bool IsTransport(this FrameType type) => type is >= FrameType.Hello and <= FrameType.Close;
}
