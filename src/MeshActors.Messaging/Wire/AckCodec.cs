using System.Buffers.Binary;

namespace MeshActors.Messaging.Wire;

/// <summary>
/// Writes and reads ack frames (WIRE.md "Ack"). A partial ack lists runs of received chunks from the start of
/// the message, as many as fit the frame; runs that do not fit are simply acked by a later frame, once the
/// retransmitted gaps before them have merged runs together.
/// </summary>
public static class AckCodec
{
    private const byte CompleteFlag = 1;

    public static int WriteComplete(Span<byte> destination, ulong messageId)
    {
        WriteHeader(destination, messageId, CompleteFlag, 0);
        return BusFrameLayout.AckHeaderSize;
    }

    /// <summary>Writes the runs of set bits in <paramref name="received"/> that fit; returns bytes written.</summary>
    public static int WriteRanges(Span<byte> destination, ulong messageId, ChunkBitmap received)
    {
        var capacity = Math.Min(ushort.MaxValue, (destination.Length - BusFrameLayout.AckHeaderSize) / BusFrameLayout.AckRangeSize);
        var position = BusFrameLayout.AckHeaderSize;
        var ranges = 0;
        var start = received.NextWith(true, 0);
        while (start < received.Count && ranges < capacity)
        {
            var end = received.NextWith(false, start);
            BinaryPrimitives.WriteUInt32BigEndian(destination[position..], (uint)start);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(position + 4)..], (uint)(end - start));
            position += BusFrameLayout.AckRangeSize;
            ranges++;
            start = end < received.Count ? received.NextWith(true, end) : received.Count;
        }

        WriteHeader(destination, messageId, 0, ranges);
        return position;
    }

    public static BusDecodeError TryRead(ReadOnlySpan<byte> frame, out AckFrame ack)
    {
        ack = default;
        if (frame.Length < BusFrameLayout.AckHeaderSize)
        {
            return frame.Length > 0 && frame[0] != (byte)BusFrameKind.Ack ? BusDecodeError.WrongKind : BusDecodeError.Truncated;
        }

        if (frame[BusFrameLayout.KindOffset] != (byte)BusFrameKind.Ack)
        {
            return BusDecodeError.WrongKind;
        }

        var flags = frame[BusFrameLayout.FlagsOffset];
        if ((flags & ~CompleteFlag) != 0)
        {
            return BusDecodeError.UnknownFlags;
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(frame[BusFrameLayout.CommonHeaderSize..]);
        var ranges = frame[BusFrameLayout.AckHeaderSize..];
        if (ranges.Length < count * BusFrameLayout.AckRangeSize)
        {
            return BusDecodeError.Truncated;
        }

        if (ranges.Length > count * BusFrameLayout.AckRangeSize || (flags == CompleteFlag && count != 0))
        {
            return BusDecodeError.TrailingBytes;
        }

        for (var i = 0; i < count; i++)
        {
            var first = BinaryPrimitives.ReadUInt32BigEndian(ranges[(i * BusFrameLayout.AckRangeSize)..]);
            var length = BinaryPrimitives.ReadUInt32BigEndian(ranges[(i * BusFrameLayout.AckRangeSize + 4)..]);
            if (length == 0 || first + (ulong)length > int.MaxValue)
            {
                return BusDecodeError.BadAckRange;
            }
        }

        ack = new AckFrame(BinaryPrimitives.ReadUInt64BigEndian(frame[BusFrameLayout.IdOffset..]), flags == CompleteFlag, ranges);
        return BusDecodeError.None;
    }

    private static void WriteHeader(Span<byte> destination, ulong messageId, byte flags, int ranges)
    {
        destination[BusFrameLayout.KindOffset] = (byte)BusFrameKind.Ack;
        destination[BusFrameLayout.FlagsOffset] = flags;
        BinaryPrimitives.WriteUInt64BigEndian(destination[BusFrameLayout.IdOffset..], messageId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[BusFrameLayout.CommonHeaderSize..], (ushort)ranges);
    }
}
