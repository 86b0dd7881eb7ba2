namespace MeshActors.Messaging.Wire;

/// <summary>
/// A decoded chunk frame: fixed fields plus views into the frame for the topic and payload (valid only while
/// the frame's bytes are). <see cref="Topic"/> and <see cref="ReplyTo"/> are meaningful only in chunk 0.
/// </summary>
public readonly ref struct ChunkFrame
{
    public ChunkFrame(
        ulong messageId,
        ChunkFlags flags,
        int index,
        int count,
        int totalLength,
        int offset,
        ulong replyTo,
        ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> payload)
    {
        MessageId = messageId;
        Flags = flags;
        Index = index;
        Count = count;
        TotalLength = totalLength;
        Offset = offset;
        ReplyTo = replyTo;
        Topic = topic;
        Payload = payload;
    }

    public ulong MessageId { get; }

    public ChunkFlags Flags { get; }

    public int Index { get; }

    public int Count { get; }

    public int TotalLength { get; }

    /// <summary>Where <see cref="Payload"/> starts inside the whole message, bytes.</summary>
    public int Offset { get; }

    public ulong ReplyTo { get; }

    public ReadOnlySpan<byte> Topic { get; }

    public ReadOnlySpan<byte> Payload { get; }

    public bool IsReply => (Flags & ChunkFlags.IsReply) != 0;
}
