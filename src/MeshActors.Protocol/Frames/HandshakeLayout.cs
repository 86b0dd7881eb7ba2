namespace MeshActors.Protocol.Frames;

/// <summary>
/// Byte sizes of the handshake messages (PROTOCOL.md "Handshake"). Each size is a whole frame: the 11-byte header
/// followed by the message body; the frame codec accepts handshake frames of exactly these sizes only, so a
/// wrong-sized message is dropped before any key agreement.
/// </summary>
public static class HandshakeLayout
{
    public const int KeySize = 32;
    public const int TagSize = FrameLayout.TagSize;
    public const int IndexSize = 4;

    /// <summary>Initiation payload: timestamp (u64) and capability bits (u32).</summary>
    public const int InitPayloadSize = 12;

    /// <summary>Response payload: capability bits (u32).</summary>
    public const int ResponsePayloadSize = 4;

    public const int SealedKeySize = KeySize + TagSize;

    /// <summary>IK initiation: sender index, ephemeral, sealed static, sealed payload.</summary>
    public const int IkInitSize = FrameLayout.HeaderSize + IndexSize + KeySize + SealedKeySize + InitPayloadSize + TagSize;

    /// <summary>IK response: sender index, ephemeral, sealed payload.</summary>
    public const int IkResponseSize = FrameLayout.HeaderSize + IndexSize + KeySize + ResponsePayloadSize + TagSize;

    /// <summary>XX initiation: sender index, ephemeral, sealed payload.</summary>
    public const int XxInitSize = FrameLayout.HeaderSize + IndexSize + KeySize + InitPayloadSize + TagSize;

    /// <summary>XX response: sender index, ephemeral, sealed static, sealed payload.</summary>
    public const int XxResponseSize = FrameLayout.HeaderSize + IndexSize + KeySize + SealedKeySize + ResponsePayloadSize + TagSize;

    /// <summary>XX finish: sealed static, sealed empty payload.</summary>
    public const int XxFinishSize = FrameLayout.HeaderSize + SealedKeySize + TagSize;

    public static int SizeOf(FrameType type, HandshakeFlags flags)
    {
        var pinned = (flags & HandshakeFlags.Pinned) != 0;
        return type switch
        {
            FrameType.HandshakeInit => pinned ? IkInitSize : XxInitSize,
            FrameType.HandshakeResponse => pinned ? IkResponseSize : XxResponseSize,
            FrameType.HandshakeFinish => XxFinishSize,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a handshake frame type"),
        };
    }
}
