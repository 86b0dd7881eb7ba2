using MeshActors.DataPlane.Buffers;

namespace MeshActors.DataPlane.Tests.Buffers;

public sealed class PacketQueueTests
{
    [Fact]
    public void Full_queue_drops_newest_counts_it_and_returns_the_buffer_to_its_pool()
    {
        var pool = new BufferPool(capacity: 8, bufferSize: BufferLayout.BufferSizeFor(256));
        using var queue = new PacketQueue(capacity: 2);
        for (var i = 0; i < 2; i++)
        {
            pool.TryRent(out var buffer);
            Assert.True(queue.TryEnqueue(buffer));
        }

        pool.TryRent(out var extra);
        var availableBefore = pool.Available;

        Assert.False(queue.TryEnqueue(extra));
        Assert.Equal(1, queue.Dropped);
        Assert.Equal(availableBefore + 1, pool.Available);
    }

    [Fact]
    public async Task Consumer_wakes_on_enqueue_and_on_complete()
    {
        var pool = new BufferPool(capacity: 4, bufferSize: BufferLayout.BufferSizeFor(256));
        using var queue = new PacketQueue(capacity: 4);
        var waiter = Task.Run(() => queue.WaitForItems(10_000));
        await Task.Delay(50);
        pool.TryRent(out var buffer);
        queue.TryEnqueue(buffer);

        Assert.True(await waiter.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(queue.TryDequeue(out var dequeued));
        dequeued.Return();

        var completed = Task.Run(() => queue.WaitForItems(10_000));
        await Task.Delay(50);
        queue.Complete();
        Assert.False(await completed.WaitAsync(TimeSpan.FromSeconds(5)));

        pool.TryRent(out var late);
        Assert.False(queue.TryEnqueue(late));
    }

    [Fact]
    public async Task No_wake_up_is_lost_when_items_arrive_one_at_a_time()
    {
        const int Items = 2_000;
        var pool = new BufferPool(capacity: 8, bufferSize: BufferLayout.BufferSizeFor(64));
        using var queue = new PacketQueue(capacity: 4);
        var consumer = Task.Run(() =>
        {
            var received = 0;
            while (received < Items)
            {
                // A lost wake-up shows as a wait that runs out with an item queued behind it.
                Assert.True(queue.WaitForItems(10_000), $"no wake-up after {received} items");
                while (queue.TryDequeue(out var buffer))
                {
                    buffer.Return();
                    received++;
                }
            }

            return received;
        });

        for (var i = 0; i < Items;)
        {
            // A full queue drops (and returns) the buffer: only what was queued counts, and the producer waits for room.
            if (!pool.TryRent(out var buffer) || !queue.TryEnqueue(buffer))
            {
                Thread.Yield();
                continue;
            }

            if (i++ % 3 == 0)
            {
                Thread.SpinWait(i % 200);
            }
        }

        Assert.Equal(Items, await consumer.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Wait_times_out_when_nothing_arrives()
    {
        using var queue = new PacketQueue(capacity: 4);

        Assert.False(queue.WaitForItems(20));
    }
}
