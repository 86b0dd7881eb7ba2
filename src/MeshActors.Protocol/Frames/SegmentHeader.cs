using System.Buffers.Binary;

namespace MeshActors.Protocol.Frames;

/// <summary>
/// The first bytes of a <see cref="FrameType.Segment"/> payload (PROTOCOL.md §2): which payload the piece belongs
/// to and where it goes. <c>frame type u8 ‖ index u8 ‖ count u8 ‖ total length u16 ‖ piece</c>.
/// <para>A payload of <c>total</c> bytes is cut into <c>count</c> pieces of <see cref="PieceSize"/> bytes, the last
/// one shorter or equal, so every datagram but the last has the same size (what UDP segmentation offload needs). The
/// pieces are sealed with consecutive counters of one session: piece <c>index</c> carries counter <c>base + index</c>,
/// which names the payload without another field.</para>
/// </summary>
public static class SegmentHeader
{
    public const int Size = 5;

    /// <summary>Most pieces of one payload: 64 (the kernel's UDP segmentation limit per send, and one bit each in a u64).</summary>
    public const int MaxCount = 64;

    /// <summary>Bytes of one piece when a payload of <paramref name="total"/> bytes is cut into <paramref name="count"/>.</summary>
    public static int PieceSize(int total, int count) => (total + count - 1) / count;

    /// <summary>Pieces needed for <paramref name="total"/> bytes when a datagram carries at most
    /// <paramref name="maxPiece"/> bytes of payload; 0 when it cannot be done within <see cref="MaxCount"/> pieces
    /// with every piece non-empty.</summary>
    public static int CountFor(int total, int maxPiece)
    {
        var count = (total + maxPiece - 1) / maxPiece;
        return count is >= 2 and <= MaxCount && (count - 1) * PieceSize(total, count) < total ? count : 0;
    }

    /// <summary>Start of piece <paramref name="index"/> in the whole payload.</summary>
    public static int Offset(int total, int count, int index) => index * PieceSize(total, count);

    /// <summary>Bytes of piece <paramref name="index"/>.</summary>
    public static int LengthOf(int total, int count, int index) =>
        index < count - 1 ? PieceSize(total, count) : total - ((count - 1) * PieceSize(total, count));

    public static void Write(Span<byte> destination, FrameType type, int index, int count, int total)
    {
        destination[0] = (byte)type;
        destination[1] = (byte)index;
        destination[2] = (byte)count;
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], (ushort)total);
    }

    /// <summary>
    /// Reads and checks a Segment payload: a type that may be cut (Data, Control), 2..64 pieces, an index among them,
    /// a total the type allows, and a piece of exactly the length its index calls for. False for anything else.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out FrameType type, out int index, out int count, out int total)
    {
        type = default;
        index = count = total = 0;
        if (payload.Length <= Size)
        {
            return false;
        }

        type = (FrameType)payload[0];
        index = payload[1];
        count = payload[2];
        total = BinaryPrimitives.ReadUInt16BigEndian(payload[3..]);
        return type is FrameType.Data or FrameType.Control
            && count is >= 2 and <= MaxCount
            && index < count
            && (count - 1) * PieceSize(total, count) < total
            && FrameCodec.IsValidPayloadLength(type, total)
            && LengthOf(total, count, index) == payload.Length - Size;
    }
}
