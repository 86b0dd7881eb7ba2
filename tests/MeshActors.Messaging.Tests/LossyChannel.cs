using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Tests;

/// <summary>
/// An in-memory network between bus cores that loses, duplicates and reorders frames (each copy gets its own
/// random delay), driven by a seeded <see cref="Random"/> so every run of a seed is identical. Frames due at the same
/// time come out in the order they were sent.
/// </summary>
internal sealed class LossyChannel(Random random, double loss, double duplication, TimeSpan maxDelay)
{
    private readonly PriorityQueue<(RouterId From, RouterId To, byte[] Frame), (DateTimeOffset At, long Order)> _inTransit = new();

    public long Sent { get; private set; }

    public long Lost { get; private set; }

    public long Duplicated { get; private set; }

    public IBusFrameSink SinkFrom(RouterId from, Func<DateTimeOffset> clock) => new Sink(this, from, clock);

    /// <summary>Frames whose delivery time has come, in delivery order.</summary>
    public IEnumerable<(RouterId From, RouterId To, byte[] Frame)> Due(DateTimeOffset now)
    {
        while (_inTransit.TryPeek(out var frame, out var due) && due.At <= now)
        {
            _inTransit.Dequeue();
            yield return frame;
        }
    }

    private void Enqueue(RouterId from, RouterId to, ReadOnlySpan<byte> frame, DateTimeOffset now)
    {
        Sent++;
        if (random.NextDouble() < loss)
        {
            Lost++;
            return;
        }

        var copies = random.NextDouble() < duplication ? 2 : 1;
        Duplicated += copies - 1;
        for (var i = 0; i < copies; i++)
        {
            _inTransit.Enqueue((from, to, frame.ToArray()), (now + (maxDelay * random.NextDouble()), Sent));
        }
    }

    private sealed class Sink(LossyChannel channel, RouterId from, Func<DateTimeOffset> clock) : IBusFrameSink
    {
        public void Send(RouterId destination, ReadOnlySpan<byte> plaintext) => channel.Enqueue(from, destination, plaintext, clock());
    }
}
