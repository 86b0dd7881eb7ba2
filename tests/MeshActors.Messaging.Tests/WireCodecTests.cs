using FsCheck.Xunit;
using MeshActors.Messaging.Wire;

namespace MeshActors.Messaging.Tests;

public sealed class WireCodecTests
{
    [Fact]
    public void Chunk_zero_round_trips_topic_reply_and_payload()
    {
        var buffer = new byte[BusFrameLayout.DefaultFrameSize];
        var written = ChunkCodec.Write(buffer, 0xABCDEF0123456789, 0, 3, 2500, 0, 42, "chat"u8, "hello"u8);

        Assert.Equal(BusDecodeError.None, ChunkCodec.TryRead(buffer.AsSpan(0, written), out var chunk));
        Assert.Equal(0xABCDEF0123456789UL, chunk.MessageId);
        Assert.Equal((0, 3, 2500, 0), (chunk.Index, chunk.Count, chunk.TotalLength, chunk.Offset));
        Assert.True(chunk.IsReply);
        Assert.Equal(42UL, chunk.ReplyTo);
        Assert.Equal("chat"u8.ToArray(), chunk.Topic.ToArray());
        Assert.Equal("hello"u8.ToArray(), chunk.Payload.ToArray());
        Assert.Equal(BusFrameLayout.ChunkHeaderSize + 1 + 4 + 8 + 5, written);
    }

    [Fact]
    public void Later_chunk_carries_no_metadata_even_for_a_reply()
    {
        var buffer = new byte[64];
        var written = ChunkCodec.Write(buffer, 7, 2, 3, 30, 20, 99, "ignored"u8, new byte[10]);

        Assert.Equal(BusFrameLayout.ChunkHeaderSize + 10, written);
        Assert.Equal(BusDecodeError.None, ChunkCodec.TryRead(buffer.AsSpan(0, written), out var chunk));
        Assert.True(chunk.Topic.IsEmpty);
        Assert.Equal(0UL, chunk.ReplyTo);
        Assert.Equal(10, chunk.Payload.Length);
    }

    [Fact]
    public void Empty_message_is_one_chunk_of_zero_bytes()
    {
        var buffer = new byte[64];
        var written = ChunkCodec.Write(buffer, 7, 0, 1, 0, 0, null, default, default);

        Assert.Equal(BusDecodeError.None, ChunkCodec.TryRead(buffer.AsSpan(0, written), out var chunk));
        Assert.Equal(0, chunk.TotalLength);
        Assert.True(chunk.Payload.IsEmpty);
    }

    [Fact]
    public void Every_truncation_of_a_chunk_is_rejected()
    {
        var buffer = new byte[128];
        var written = ChunkCodec.Write(buffer, 7, 0, 1, 5, 0, 3, "t"u8, "abcde"u8);

        // Cutting inside the header or metadata is Truncated; cutting the payload leaves a chunk that no longer
        // covers a non-empty body correctly only when it is empty, so check the strict prefixes up to the payload.
        for (var length = 0; length < BusFrameLayout.ChunkHeaderSize + 1 + 1 + 8; length++)
        {
            Assert.NotEqual(BusDecodeError.None, ChunkCodec.TryRead(buffer.AsSpan(0, length), out _));
        }

        Assert.Equal(BusDecodeError.BadChunkOffset, ChunkCodec.TryRead(buffer.AsSpan(0, written - 5), out _));
    }

    [Theory]
    [InlineData(1, 0, 0, 10, 0, BusDecodeError.BadChunkIndex)] // count 0
    [InlineData(1, 3, 3, 10, 0, BusDecodeError.BadChunkIndex)] // index == count
    [InlineData(1, 1, 11, 10, 0, BusDecodeError.BadChunkCount)] // more chunks than bytes
    [InlineData(1, 1, 2, 10, 8, BusDecodeError.BadChunkOffset)] // 4 bytes at offset 8 overrun 10
    [InlineData(1, 1, 2, 10, 11, BusDecodeError.BadChunkOffset)] // offset past total
    [InlineData(1, 1, 2, 0x8000_0000u, 0, BusDecodeError.BadChunkOffset)] // total beyond int
    public void Inconsistent_chunk_fields_are_rejected(byte kind, uint index, uint count, uint total, uint offset, BusDecodeError expected)
    {
        var frame = new byte[BusFrameLayout.ChunkHeaderSize + 4];
        frame[0] = kind;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(10), index);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14), count);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(18), total);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(22), offset);

        Assert.Equal(expected, ChunkCodec.TryRead(frame, out _));
    }

    [Fact]
    public void Unknown_flags_and_wrong_kind_are_rejected()
    {
        var buffer = new byte[64];
        var written = ChunkCodec.Write(buffer, 7, 1, 2, 8, 4, null, default, new byte[4]);
        buffer[1] = 0x80;
        Assert.Equal(BusDecodeError.UnknownFlags, ChunkCodec.TryRead(buffer.AsSpan(0, written), out _));
        buffer[0] = (byte)BusFrameKind.Ack;
        Assert.Equal(BusDecodeError.WrongKind, ChunkCodec.TryRead(buffer.AsSpan(0, written), out _));
    }

    [Fact]
    public void Topic_length_beyond_the_frame_is_truncated_not_read()
    {
        var buffer = new byte[64];
        var written = ChunkCodec.Write(buffer, 7, 0, 1, 4, 0, null, "ab"u8, "data"u8);
        buffer[BusFrameLayout.ChunkHeaderSize] = 200;

        Assert.Equal(BusDecodeError.Truncated, ChunkCodec.TryRead(buffer.AsSpan(0, written), out _));
    }

    [Fact]
    public void Partial_ack_lists_runs_of_received_chunks()
    {
        var received = new ChunkBitmap(10);
        foreach (var i in new[] { 0, 1, 2, 5, 7, 8, 9 })
        {
            received.Set(i);
        }

        var buffer = new byte[256];
        var written = AckCodec.WriteRanges(buffer, 99, received);

        Assert.Equal(BusDecodeError.None, AckCodec.TryRead(buffer.AsSpan(0, written), out var ack));
        Assert.False(ack.Complete);
        Assert.Equal(99UL, ack.MessageId);
        var ranges = new List<(uint, uint)>();
        for (var i = 0; i < ack.RangeCount; i++)
        {
            ranges.Add(ack.GetRange(i));
        }

        Assert.Equal([(0u, 3u), (5u, 1u), (7u, 3u)], ranges);
    }

    [Fact]
    public void Partial_ack_stops_at_the_ranges_that_fit()
    {
        var received = new ChunkBitmap(100);
        for (var i = 0; i < 100; i += 2)
        {
            received.Set(i);
        }

        var buffer = new byte[BusFrameLayout.AckHeaderSize + (3 * BusFrameLayout.AckRangeSize) + 5];
        var written = AckCodec.WriteRanges(buffer, 1, received);

        Assert.Equal(BusDecodeError.None, AckCodec.TryRead(buffer.AsSpan(0, written), out var ack));
        Assert.Equal(3, ack.RangeCount);
        Assert.Equal((4u, 1u), ack.GetRange(2));
    }

    [Fact]
    public void Complete_ack_round_trips_and_bad_acks_are_rejected()
    {
        var buffer = new byte[64];
        var written = AckCodec.WriteComplete(buffer, 5);
        Assert.Equal(BusDecodeError.None, AckCodec.TryRead(buffer.AsSpan(0, written), out var ack));
        Assert.True(ack.Complete);
        Assert.Equal(BusDecodeError.TrailingBytes, AckCodec.TryRead(buffer.AsSpan(0, written + 1), out _));

        var received = new ChunkBitmap(4);
        received.Set(1);
        written = AckCodec.WriteRanges(buffer, 5, received);
        Assert.Equal(BusDecodeError.Truncated, AckCodec.TryRead(buffer.AsSpan(0, written - 1), out _));
        buffer[written - 1] = 0; // range length 0
        Assert.Equal(BusDecodeError.BadAckRange, AckCodec.TryRead(buffer.AsSpan(0, written), out _));
        buffer[1] = 2;
        Assert.Equal(BusDecodeError.UnknownFlags, AckCodec.TryRead(buffer.AsSpan(0, written), out _));
    }

    [Theory]
    [InlineData(BusFrameKind.Read, (RefuseReason)0)]
    [InlineData(BusFrameKind.Abort, (RefuseReason)0)]
    [InlineData(BusFrameKind.Refuse, RefuseReason.TooLarge)]
    [InlineData(BusFrameKind.Refuse, RefuseReason.InboxFull)]
    public void Control_frames_round_trip(BusFrameKind kind, RefuseReason reason)
    {
        var buffer = new byte[BusFrameLayout.ControlFrameSize];
        ControlCodec.Write(buffer, kind, 0x1122334455667788, reason);

        Assert.Equal(BusDecodeError.None, ControlCodec.TryRead(buffer, out var readKind, out var id, out var readReason));
        Assert.Equal((kind, 0x1122334455667788UL, reason), (readKind, id, readReason));
    }

    [Fact]
    public void Bad_control_frames_are_rejected()
    {
        var buffer = new byte[BusFrameLayout.ControlFrameSize + 1];
        ControlCodec.Write(buffer, BusFrameKind.Refuse, 1, RefuseReason.TooLarge);
        Assert.Equal(BusDecodeError.TrailingBytes, ControlCodec.TryRead(buffer, out _, out _, out _));
        Assert.Equal(BusDecodeError.Truncated, ControlCodec.TryRead(buffer.AsSpan(0, 9), out _, out _, out _));
        buffer[1] = 9;
        Assert.Equal(BusDecodeError.UnknownReason, ControlCodec.TryRead(buffer.AsSpan(0, 10), out _, out _, out _));
        buffer[0] = (byte)BusFrameKind.Read;
        Assert.Equal(BusDecodeError.UnknownFlags, ControlCodec.TryRead(buffer.AsSpan(0, 10), out _, out _, out _));
        buffer[0] = 77;
        Assert.Equal(BusDecodeError.WrongKind, ControlCodec.TryRead(buffer.AsSpan(0, 10), out _, out _, out _));
    }

    [Property(MaxTest = 2000)]
    public bool Random_bytes_never_throw_and_valid_chunks_stay_inside_the_frame(byte[] frame)
    {
        if (ChunkCodec.TryRead(frame, out var chunk) == BusDecodeError.None
            && (chunk.Index >= chunk.Count || (long)chunk.Offset + chunk.Payload.Length > chunk.TotalLength))
        {
            return false;
        }

        AckCodec.TryRead(frame, out _);
        ControlCodec.TryRead(frame, out _, out _, out _);
        return true;
    }

    [Property(MaxTest = 300)]
    public bool Chunk_round_trip_holds_for_any_fields(ulong id, byte[] topic, byte[] payload, ulong? replyTo)
    {
        topic = topic.Take(BusFrameLayout.MaxTopicLength).ToArray();
        var total = payload.Length + 3;
        var buffer = new byte[BusFrameLayout.ChunkHeaderSize + BusFrameLayout.MaxChunkZeroMetadata + payload.Length];
        var written = ChunkCodec.Write(buffer, id, 0, 1, total, 0, replyTo, topic, payload);

        // Three bytes short of the total is fine for a chunk; an empty body of a non-empty message is not.
        if (payload.Length == 0)
        {
            return ChunkCodec.TryRead(buffer.AsSpan(0, written), out _) == BusDecodeError.BadChunkOffset;
        }

        return ChunkCodec.TryRead(buffer.AsSpan(0, written), out var chunk) == BusDecodeError.None
            && chunk.MessageId == id
            && chunk.Topic.SequenceEqual(topic)
            && chunk.Payload.SequenceEqual(payload)
            && chunk.IsReply == replyTo.HasValue
            && (!replyTo.HasValue || chunk.ReplyTo == replyTo.Value);
    }
}
