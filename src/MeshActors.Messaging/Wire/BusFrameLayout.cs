namespace MeshActors.Messaging.Wire;

/// <summary>Sizes of the bus frame format (WIRE.md). Protocol constants, not tuning values.</summary>
public static class BusFrameLayout
{
    /// <summary>Kind (1) + flags or reason (1) + message id (u64): the prefix every bus frame starts with.</summary>
    public const int CommonHeaderSize = 10;

    /// <summary>Common header + chunk index, chunk count, total length, byte offset (u32 each).</summary>
    public const int ChunkHeaderSize = CommonHeaderSize + 16;

    /// <summary>Longest topic in bytes: its length travels in one byte (Mycelium's limit too).</summary>
    public const int MaxTopicLength = byte.MaxValue;

    /// <summary>Bytes chunk 0 adds at most: topic length byte, the topic, and a reply-to id.</summary>
    public const int MaxChunkZeroMetadata = 1 + MaxTopicLength + sizeof(ulong);

    /// <summary>Common header + range count (u16).</summary>
    public const int AckHeaderSize = CommonHeaderSize + 2;

    /// <summary>One ack range: first chunk index and number of chunks (u32 each).</summary>
    public const int AckRangeSize = 8;

    /// <summary>Read, Abort and Refuse frames are exactly the common header.</summary>
    public const int ControlFrameSize = CommonHeaderSize;

    /// <summary>
    /// Smallest usable frame: a chunk 0 with the longest topic, a reply-to id and one payload byte. Below this a
    /// message with a long topic could not be sent at all.
    /// </summary>
    public const int MinFrameSize = ChunkHeaderSize + MaxChunkZeroMetadata + 1;

    /// <summary>
    /// Default largest bus frame (plaintext bytes) so a sealed chunk fits a 1,280-byte path (the IPv6 minimum MTU):
    /// 1,280 − 40 (IPv6) − 8 (UDP) − 32 (link frame header + tag) − 80 (budget for the end-to-end header and tag:
    /// two 16-byte addresses, nonce/counter, hop limit, 16-byte tag) = 1,120.
    /// </summary>
    public const int DefaultFrameSize = 1_120;

    /// <summary>Largest frame the codec accepts as a size parameter: a u16 range count must cover every range.</summary>
    public const int MaxFrameSize = 65_535;

    internal const int KindOffset = 0;
    internal const int FlagsOffset = 1;
    internal const int IdOffset = 2;
}
