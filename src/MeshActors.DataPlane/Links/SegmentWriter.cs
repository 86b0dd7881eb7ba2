using MeshActors.Crypto.Session;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// Cuts one payload into Segment frames (PROTOCOL.md §2) laid end to end in a scratch buffer, each sealed with the
/// next counter of one session: what a UDP link hands to its socket in one call. No allocation.
/// </summary>
internal static class SegmentWriter
{
    /// <summary>
    /// Writes the Segment frames of <paramref name="payload"/> (a Data or Control payload of <paramref name="type"/>)
    /// into <paramref name="scratch"/> (at least <see cref="SegmentLayout.MaxDatagramBytes"/>), each at most
    /// <paramref name="datagramSize"/> bytes. Returns the bytes written, the size of every frame but the last in
    /// <paramref name="frameSize"/>; 0 when the payload cannot be cut so, or a seal failed (<paramref name="status"/>).
    /// </summary>
    public static int Write(LinkSession session, FrameType type, ReadOnlySpan<byte> payload, int datagramSize, Span<byte> scratch,
        out int frameSize, out SealStatus status)
    {
        frameSize = 0;
        status = SealStatus.InvalidFrame;
        var total = payload.Length;
        var count = SegmentHeader.CountFor(total, SegmentLayout.MaxPiece(datagramSize));
        if (count == 0 || type is not (FrameType.Data or FrameType.Control))
        {
            return 0;
        }

        frameSize = SegmentHeader.PieceSize(total, count) + SegmentLayout.Overhead;
        var length = 0;
        for (var index = 0; index < count; index++)
        {
            var pieceLength = SegmentHeader.LengthOf(total, count, index);
            var frame = scratch.Slice(index * frameSize, pieceLength + SegmentLayout.Overhead);
            var body = frame[FrameLayout.HeaderSize..];
            SegmentHeader.Write(body, type, index, count, total);
            payload.Slice(SegmentHeader.Offset(total, count, index), pieceLength).CopyTo(body[SegmentHeader.Size..]);
            status = session.Seal(frame, FrameType.Segment, SegmentHeader.Size + pieceLength, out var sealedLength);
            if (status is not (SealStatus.Sealed or SealStatus.SealedRekeyDue))
            {
                return 0;
            }

            length = (index * frameSize) + sealedLength;
        }

        return length;
    }
}
