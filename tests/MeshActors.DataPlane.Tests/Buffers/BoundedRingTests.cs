using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshActors.DataPlane.Buffers;

namespace MeshActors.DataPlane.Tests.Buffers;

public sealed class BoundedRingTests
{
    [Fact]
    public void Capacity_rounds_up_to_a_power_of_two_and_full_refuses()
    {
        var ring = new BoundedRing<string>(5);

        Assert.Equal(8, ring.Capacity);
        for (var i = 0; i < 8; i++)
        {
            Assert.True(ring.TryEnqueue(i.ToString()));
        }

        Assert.False(ring.TryEnqueue("overflow"));
        Assert.Equal(8, ring.Count);
    }

    /// <summary>Any sequence of enqueues and dequeues behaves like a Queue capped at the capacity.</summary>
    [Property]
    public Property Behaves_like_a_bounded_fifo_queue(bool[] operations)
    {
        var ring = new BoundedRing<object>(4);
        var model = new Queue<object>();
        foreach (var enqueue in operations)
        {
            if (enqueue)
            {
                var item = new object();
                var accepted = ring.TryEnqueue(item);
                if (accepted != model.Count < 4)
                {
                    return false.ToProperty();
                }

                if (accepted)
                {
                    model.Enqueue(item);
                }
            }
            else
            {
                var got = ring.TryDequeue(out var item);
                if (got != model.Count > 0 || (got && !ReferenceEquals(item, model.Dequeue())))
                {
                    return false.ToProperty();
                }
            }
        }

        return (ring.Count == model.Count).ToProperty();
    }

    [Fact]
    public async Task Concurrent_producers_and_consumers_deliver_every_item_exactly_once()
    {
        const int producers = 4;
        const int perProducer = 50_000;
        var ring = new BoundedRing<int[]>(64);
        var seen = new int[producers * perProducer];
        var consumed = 0;
        var producerTasks = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < perProducer; i++)
            {
                var item = new[] { p * perProducer + i };
                while (!ring.TryEnqueue(item))
                {
                    Thread.SpinWait(10);
                }
            }
        })).ToArray();
        var consumerTasks = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (Volatile.Read(ref consumed) < seen.Length)
            {
                if (ring.TryDequeue(out var item))
                {
                    Interlocked.Increment(ref seen[item[0]]);
                    Interlocked.Increment(ref consumed);
                }
            }
        })).ToArray();

        await Task.WhenAll([.. producerTasks, .. consumerTasks]).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(seen, count => Assert.Equal(1, count));
    }
}
