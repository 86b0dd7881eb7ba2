using System.Buffers.Binary;

namespace MeshActors.Messaging.Wire;

/// <summary>
/// Writes and reads chunk frames (WIRE.md "Chunk"). Reading never throws and never allocates: it checks every
/// length against the frame and the announced totals, then hands out views. Whether the total is acceptable
/// (max-message-size) is the receiver's decision, taken before it allocates a reassembly buffer.
/// </summary>
public static class ChunkCodec
{
    private const int IndexOffset = BusFrameLayout.CommonHeaderSize;
    private const int CountOffset = IndexOffset + 4;
    private const int TotalOffset = CountOffset + 4;
    private const int ByteOffsetOffset = TotalOffset + 4;

    /// <summary>Bytes chunk 0 spends on metadata before its payload.</summary>
    public static int ChunkZeroMetadataSize(int topicLength, bool isReply) => 1 + topicLength + (isReply ? sizeof(ulong) : 0);

    /// <summary>
    /// Writes one chunk. The caller guarantees that <paramref name="destination"/> holds
    /// <see cref="BusFrameLayout.ChunkHeaderSize"/> + metadata (chunk 0 only) + payload; returns bytes written.
    /// </summary>
    public static int Write(
        Span<byte> destination,
        ulong messageId,
        int index,
        int count,
        int totalLength,
        int offset,
        ulong? replyTo,
        ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> payload)
    {
        var flags = replyTo.HasValue ? ChunkFlags.IsReply : ChunkFlags.None;
        destination[BusFrameLayout.KindOffset] = (byte)BusFrameKind.Chunk;
        destination[BusFrameLayout.FlagsOffset] = (byte)flags;
        BinaryPrimitives.WriteUInt64BigEndian(destination[BusFrameLayout.IdOffset..], messageId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[IndexOffset..], (uint)index);
        BinaryPrimitives.WriteUInt32BigEndian(destination[CountOffset..], (uint)count);
        BinaryPrimitives.WriteUInt32BigEndian(destination[TotalOffset..], (uint)totalLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[ByteOffsetOffset..], (uint)offset);
        var position = BusFrameLayout.ChunkHeaderSize;
        if (index == 0)
        {
            destination[position++] = (byte)topic.Length;
            topic.CopyTo(destination[position..]);
            position += topic.Length;
            if (replyTo is { } replied)
            {
                BinaryPrimitives.WriteUInt64BigEndian(destination[position..], replied);
                position += sizeof(ulong);
            }
        }

        payload.CopyTo(destination[position..]);
        return position + payload.Length;
    }

    public static BusDecodeError TryRead(ReadOnlySpan<byte> frame, out ChunkFrame chunk)
    {
        chunk = default;
        if (frame.Length < BusFrameLayout.ChunkHeaderSize)
        {
            return frame.Length > 0 && frame[0] != (byte)BusFrameKind.Chunk ? BusDecodeError.WrongKind : BusDecodeError.Truncated;
        }

        if (frame[BusFrameLayout.KindOffset] != (byte)BusFrameKind.Chunk)
        {
            return BusDecodeError.WrongKind;
        }

        var flags = (ChunkFlags)frame[BusFrameLayout.FlagsOffset];
        if ((flags & ~ChunkFlags.Known) != 0)
        {
            return BusDecodeError.UnknownFlags;
        }

        var messageId = BinaryPrimitives.ReadUInt64BigEndian(frame[BusFrameLayout.IdOffset..]);
        var index = BinaryPrimitives.ReadUInt32BigEndian(frame[IndexOffset..]);
        var count = BinaryPrimitives.ReadUInt32BigEndian(frame[CountOffset..]);
        var total = BinaryPrimitives.ReadUInt32BigEndian(frame[TotalOffset..]);
        var offset = BinaryPrimitives.ReadUInt32BigEndian(frame[ByteOffsetOffset..]);

        // Totals travel as u32 but everything downstream indexes arrays with int.
        if (total > int.MaxValue)
        {
            return BusDecodeError.BadChunkOffset;
        }

        if (count == 0 || index >= count)
        {
            return BusDecodeError.BadChunkIndex;
        }

        // Every chunk but an empty message's only one carries at least one byte.
        if (count > Math.Max(total, 1u))
        {
            return BusDecodeError.BadChunkCount;
        }

        var body = frame[BusFrameLayout.ChunkHeaderSize..];
        ReadOnlySpan<byte> topic = default;
        ulong replyTo = 0;
        if (index == 0)
        {
            if (body.IsEmpty || body.Length < 1 + body[0])
            {
                return BusDecodeError.Truncated;
            }

            topic = body.Slice(1, body[0]);
            body = body[(1 + topic.Length)..];
            if ((flags & ChunkFlags.IsReply) != 0)
            {
                if (body.Length < sizeof(ulong))
                {
                    return BusDecodeError.Truncated;
                }

                replyTo = BinaryPrimitives.ReadUInt64BigEndian(body);
                body = body[sizeof(ulong)..];
            }
        }

        if (offset > total || (ulong)body.Length > total - offset || (body.IsEmpty && total > 0))
        {
            return BusDecodeError.BadChunkOffset;
        }

        chunk = new ChunkFrame(messageId, flags, (int)index, (int)count, (int)total, (int)offset, replyTo, topic, body);
        return BusDecodeError.None;
    }
}
