using System.Buffers.Binary;

namespace MeshActors.Messaging.Wire;

/// <summary>
/// Writes and reads the fixed-size control frames (WIRE.md "Read, Abort, Refuse"): kind, a second byte that is
/// zero for Read and Abort and the <see cref="RefuseReason"/> for Refuse, and the message id.
/// </summary>
public static class ControlCodec
{
    public static int Write(Span<byte> destination, BusFrameKind kind, ulong messageId, RefuseReason reason = default)
    {
        destination[BusFrameLayout.KindOffset] = (byte)kind;
        destination[BusFrameLayout.FlagsOffset] = kind == BusFrameKind.Refuse ? (byte)reason : (byte)0;
        BinaryPrimitives.WriteUInt64BigEndian(destination[BusFrameLayout.IdOffset..], messageId);
        return BusFrameLayout.ControlFrameSize;
    }

    public static BusDecodeError TryRead(ReadOnlySpan<byte> frame, out BusFrameKind kind, out ulong messageId, out RefuseReason reason)
    {
        kind = default;
        messageId = 0;
        reason = default;
        if (frame.IsEmpty)
        {
            return BusDecodeError.Truncated;
        }

        var candidate = (BusFrameKind)frame[BusFrameLayout.KindOffset];
        if (candidate is not (BusFrameKind.Read or BusFrameKind.Abort or BusFrameKind.Refuse))
        {
            return BusDecodeError.WrongKind;
        }

        if (frame.Length < BusFrameLayout.ControlFrameSize)
        {
            return BusDecodeError.Truncated;
        }

        if (frame.Length > BusFrameLayout.ControlFrameSize)
        {
            return BusDecodeError.TrailingBytes;
        }

        var second = frame[BusFrameLayout.FlagsOffset];
        if (candidate == BusFrameKind.Refuse)
        {
            if (second is not ((byte)RefuseReason.TooLarge or (byte)RefuseReason.InboxFull))
            {
                return BusDecodeError.UnknownReason;
            }

            reason = (RefuseReason)second;
        }
        else if (second != 0)
        {
            return BusDecodeError.UnknownFlags;
        }

        kind = candidate;
        messageId = BinaryPrimitives.ReadUInt64BigEndian(frame[BusFrameLayout.IdOffset..]);
        return BusDecodeError.None;
    }
}
