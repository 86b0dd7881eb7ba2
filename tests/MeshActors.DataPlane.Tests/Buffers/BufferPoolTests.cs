using MeshActors.DataPlane.Buffers;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Tests.Buffers;

public sealed class BufferPoolTests
{
    [Fact]
    public void Never_creates_more_than_its_capacity_and_counts_refusals()
    {
        var pool = new BufferPool(capacity: 3, bufferSize: BufferLayout.BufferSizeFor(1400));
        var rented = new List<PacketBuffer>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(pool.TryRent(out var buffer));
            rented.Add(buffer);
        }

        Assert.False(pool.TryRent(out _));
        Assert.False(pool.TryRent(out _));
        Assert.Equal(2, pool.Exhausted);
        Assert.Equal(3, pool.Created);

        rented[0].Return();
        Assert.True(pool.TryRent(out var again));
        Assert.Same(rented[0], again);
        Assert.Equal(3, pool.Created);
    }

    [Fact]
    public void Returned_buffers_are_cleared_and_reset()
    {
        var pool = new BufferPool(capacity: 2, bufferSize: BufferLayout.BufferSizeFor(1400));
        Assert.True(pool.TryRent(out var buffer));
        buffer.Array.AsSpan(BufferLayout.PacketOffset, 100).Fill(0xAB);
        buffer.Set(BufferLayout.PacketOffset, 100);
        buffer.EndToEndSealed = true;
        buffer.FrameType = FrameType.Data;

        buffer.Return();
        Assert.True(pool.TryRent(out var reused));

        Assert.Same(buffer, reused);
        Assert.All(reused.Array, b => Assert.Equal(0, b));
        Assert.Equal(0, reused.Length);
        Assert.False(reused.EndToEndSealed);
    }

    [Fact]
    public void Layout_leaves_headroom_for_prefix_link_and_data_headers_and_tailroom_for_two_tags()
    {
        Assert.Equal(2, BufferLayout.FrameOffset);
        Assert.Equal(13, BufferLayout.PayloadOffset);
        Assert.Equal(74, BufferLayout.PacketOffset);
        Assert.Equal(32, BufferLayout.Tailroom);
        Assert.Equal(1400, new BufferPool(2, BufferLayout.BufferSizeFor(1400)).MaxPacket);
        Assert.Equal(BufferLayout.MaxBufferSize, BufferLayout.BufferSizeFor(Protocol.Data.InnerLayout.MaxInnerPacket));
    }

    [Fact]
    public void Rent_and_return_allocate_nothing_once_warm()
    {
        var pool = new BufferPool(capacity: 4, bufferSize: BufferLayout.BufferSizeFor(1400));
        Assert.True(pool.TryRent(out var warm));
        warm.Return();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            pool.TryRent(out var buffer);
            buffer.Set(BufferLayout.PacketOffset, 64);
            buffer.Return();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_prewarmed_pool_lends_its_buffers_without_allocating_and_never_past_its_capacity()
    {
        var pool = new BufferPool(capacity: 8, bufferSize: BufferLayout.BufferSizeFor(1400));
        pool.Prewarm(5);
        Assert.Equal(5, pool.Created);
        Assert.Equal(5, pool.Available);

        var rented = new PacketBuffer[5];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < rented.Length; i++)
        {
            Assert.True(pool.TryRent(out rented[i]));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(5, pool.Created);
        foreach (var buffer in rented)
        {
            buffer.Return();
        }

        pool.Prewarm(100);
        Assert.Equal(8, pool.Created);
        Assert.Equal(8, pool.Available);
    }
}
