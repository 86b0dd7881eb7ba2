using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Tests.Links;

public sealed class SegmentReassemblyTests
{
    private const uint Session = 7;

    private readonly BufferPool _pool = new(4, BufferLayout.MaxBufferSize);
    private readonly LinkStats _stats = new();
    private readonly SegmentReassembly _reassembly = new();

    private static byte[] Whole(int length)
    {
        var whole = new byte[length];
        Random.Shared.NextBytes(whole);
        return whole;
    }

    private static byte[][] Cut(byte[] whole, int count, FrameType type = FrameType.Data)
    {
        var pieces = new byte[count][];
        for (var index = 0; index < count; index++)
        {
            var length = SegmentHeader.LengthOf(whole.Length, count, index);
            pieces[index] = new byte[SegmentHeader.Size + length];
            SegmentHeader.Write(pieces[index], type, index, count, whole.Length);
            whole.AsSpan(SegmentHeader.Offset(whole.Length, count, index), length).CopyTo(pieces[index].AsSpan(SegmentHeader.Size));
        }

        return pieces;
    }

    private PacketBuffer? Add(ulong counter, byte[] piece) => _reassembly.Add(Session, counter, piece, _pool, _stats, out _);

    [Fact]
    public void Pieces_in_any_order_give_back_the_payload_once_the_last_one_came()
    {
        var whole = Whole(10_000);
        var pieces = Cut(whole, 8);
        int[] order = [7, 0, 3, 1, 6, 2, 5];
        foreach (var index in order)
        {
            Assert.Null(Add(100 + (ulong)index, pieces[index]));
        }

        var buffer = Add(104, pieces[4]);
        Assert.NotNull(buffer);
        Assert.Equal(BufferLayout.PayloadOffset, buffer.Start);
        Assert.Equal(whole, buffer.Span.ToArray());
        buffer.Return();
        Assert.Equal(_pool.Created, _pool.Available);
    }

    [Fact]
    public void A_piece_of_the_next_payload_gives_up_one_that_lost_a_piece_and_returns_its_buffer()
    {
        var first = Cut(Whole(5_000), 4);
        Assert.Null(Add(10, first[0]));
        Assert.Null(Add(11, first[1]));
        // first[2] is lost; first[3] and the whole next payload (counters 14..17) come in
        Assert.Null(Add(13, first[3]));
        var next = Whole(3_000);
        var pieces = Cut(next, 4);
        Assert.Null(Add(14, pieces[0]));
        Assert.Equal(1, _stats.Drops[LinkDrop.SegmentLost]);
        Assert.Null(Add(15, pieces[1]));
        Assert.Null(Add(16, pieces[2]));
        var buffer = Add(17, pieces[3]);

        Assert.NotNull(buffer);
        Assert.Equal(next, buffer.Span.ToArray());
        buffer.Return();
        Assert.Equal(_pool.Created, _pool.Available);
    }

    [Fact]
    public void An_invalid_piece_is_counted_and_leaves_the_payload_under_way_alone()
    {
        var whole = Whole(4_000);
        var pieces = Cut(whole, 2);
        Assert.Null(Add(20, pieces[0]));

        var wrongLength = pieces[1][..^1];
        Assert.Null(Add(21, wrongLength));
        Assert.Null(Add(0, Cut(whole, 2)[1])); // counter below its index: cannot name a payload
        Assert.Equal(2, _stats.Drops[LinkDrop.SegmentInvalid]);

        var buffer = Add(21, pieces[1]);
        Assert.NotNull(buffer);
        Assert.Equal(whole, buffer.Span.ToArray());
        buffer.Return();
    }

    [Fact]
    public void A_payload_longer_than_the_pools_buffers_is_refused_as_too_big()
    {
        var small = new BufferPool(4, BufferLayout.BufferSizeFor(1280));
        var pieces = Cut(Whole(3_000), 3);

        Assert.Null(_reassembly.Add(Session, 30, pieces[0], small, _stats, out _));
        Assert.Equal(1, _stats.Drops[LinkDrop.TooBig]);
        Assert.Equal(0, small.Created);
    }

    [Fact]
    public void Release_returns_the_buffer_of_a_payload_under_way_and_later_pieces_keep_none()
    {
        var pieces = Cut(Whole(6_000), 3);
        Assert.Null(Add(40, pieces[0]));
        Assert.Equal(1, _pool.Created - _pool.Available);

        _reassembly.Release();
        Assert.Equal(_pool.Created, _pool.Available);

        Assert.Null(Add(50, Cut(Whole(6_000), 3)[0]));
        Assert.Equal(_pool.Created, _pool.Available);
    }

    [Fact]
    public void Control_payloads_are_put_back_together_as_control()
    {
        var whole = Whole(2_000);
        var pieces = Cut(whole, 2, FrameType.Control);
        Assert.Null(_reassembly.Add(Session, 60, pieces[0], _pool, _stats, out _));
        var buffer = _reassembly.Add(Session, 61, pieces[1], _pool, _stats, out var type);

        Assert.Equal(FrameType.Control, type);
        Assert.Equal(whole, buffer!.Span.ToArray());
        buffer.Return();
    }
}
