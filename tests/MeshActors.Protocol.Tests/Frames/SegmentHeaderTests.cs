using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshActors.Protocol.Frames;

namespace MeshActors.Protocol.Tests.Frames;

public class SegmentHeaderTests
{
    private static byte[] Piece(FrameType type, int index, int count, int total, int pieceLength)
    {
        var payload = new byte[SegmentHeader.Size + pieceLength];
        SegmentHeader.Write(payload, type, index, count, total);
        return payload;
    }

    [Fact]
    public void Header_is_type_index_count_then_total_big_endian()
    {
        var payload = Piece(FrameType.Data, 3, 47, 0x1234, 1);
        Assert.Equal("0703 2f12 34".Replace(" ", ""), Convert.ToHexStringLower(payload[..SegmentHeader.Size]));
    }

    [Property]
    public Property Pieces_cover_the_payload_in_equal_runs_that_each_fit_a_datagram_and_each_read_back() =>
        Prop.ForAll(
            Gen.Choose(2, FrameLayout.MaxPayloadSize).ToArbitrary(),
            Gen.OneOf(Gen.Choose(100, 2_000), Gen.Choose(2_000, 65_000)).ToArbitrary(),
            CutsWell);

    private static Property CutsWell(int total, int maxPiece)
    {
        var count = SegmentHeader.CountFor(total, maxPiece);
        var fits = total > maxPiece && (total + maxPiece - 1) / maxPiece <= SegmentHeader.MaxCount;
        if (count == 0)
        {
            return (!fits).ToProperty().Label("refused only when one piece suffices or 64 do not");
        }

        var next = 0;
        var ok = true;
        for (var index = 0; index < count; index++)
        {
            var length = SegmentHeader.LengthOf(total, count, index);
            ok &= SegmentHeader.Offset(total, count, index) == next && length >= 1 && length <= maxPiece
                && length <= SegmentHeader.PieceSize(total, count)
                && (index == count - 1 || length == SegmentHeader.PieceSize(total, count))
                && SegmentHeader.TryRead(Piece(FrameType.Data, index, count, total, length), out var type, out var i, out var c, out var t)
                && (type, i, c, t) == (FrameType.Data, index, count, total);
            next += length;
        }

        return (ok && next == total).ToProperty();
    }

    [Theory]
    [InlineData(FrameType.Data, 0, 1, 100, 100)]        // one piece is no segmentation
    [InlineData(FrameType.Data, 2, 2, 100, 50)]         // index beyond count
    [InlineData(FrameType.Data, 0, 65, 6500, 100)]      // more than 64 pieces
    [InlineData(FrameType.Data, 0, 2, 100, 49)]         // piece shorter than its index calls for
    [InlineData(FrameType.Data, 1, 2, 100, 51)]         // last piece longer than the rest leaves
    [InlineData(FrameType.Hello, 0, 2, 24, 12)]         // a type that is never cut
    [InlineData(FrameType.Segment, 0, 2, 100, 50)]      // segments of segments
    [InlineData(FrameType.Data, 0, 4, 5, 2)]            // pieces that would leave the last one empty
    public void Malformed_segment_payloads_are_refused(FrameType type, int index, int count, int total, int pieceLength) =>
        Assert.False(SegmentHeader.TryRead(Piece(type, index, count, total, pieceLength), out _, out _, out _, out _));

    [Fact]
    public void A_segment_frame_needs_more_than_its_header()
    {
        Assert.False(FrameCodec.IsValidPayloadLength(FrameType.Segment, SegmentHeader.Size));
        Assert.True(FrameCodec.IsValidPayloadLength(FrameType.Segment, SegmentHeader.Size + 1));
        Assert.True(FrameType.Segment.IsTransport());
    }
}
