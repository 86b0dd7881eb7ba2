namespace MeshActors.DataPlane.Buffers;

/// <summary>
/// A <see cref="BoundedRing{T}"/> of buffers with a wake-up signal for its one consumer thread and a drop counter.
/// Producers never block: when full, <see cref="TryEnqueue"/> returns the buffer to its pool, counts the drop and
/// returns false (drop-newest policy: what is queued is already paid for). The consumer blocks in
/// <see cref="WaitForItems"/>; <see cref="Complete"/> wakes it for good. No allocation per packet.
/// </summary>
public sealed class PacketQueue : IDisposable
{
    private readonly BoundedRing<PacketBuffer> _ring;
    // Set by a producer that saw the consumer announce sleep; reset by the consumer before it announces. No spinning
    // before the wait (SemaphoreSlim spins with sched_yield): on two cores that spin took the time of the very
    // thread the consumer waited for.
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private int _sleeping;
    private int _wakeRequested;
    private int _completed;
    private long _dropped;

    public PacketQueue(int capacity) => _ring = new BoundedRing<PacketBuffer>(capacity);

    public int Capacity => _ring.Capacity;

    public int Count => _ring.Count;

    /// <summary>Buffers dropped because the queue was full or completed.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Takes ownership of <paramref name="buffer"/> either way: queued, or returned to its pool and counted.</summary>
    public bool TryEnqueue(PacketBuffer buffer)
    {
        if (IsCompleted || !_ring.TryEnqueue(buffer))
        {
            Interlocked.Increment(ref _dropped);
            buffer.Return();
            return false;
        }

        // Signal only a consumer that announced it is going to sleep: a busy consumer costs producers nothing.
        if (Volatile.Read(ref _sleeping) != 0 && Interlocked.Exchange(ref _sleeping, 0) != 0)
        {
            _signal.Set();
        }

        return true;
    }

    public bool TryDequeue(out PacketBuffer buffer) => _ring.TryDequeue(out buffer);

    /// <summary>
    /// Consumer only: blocks until the queue is not empty, it completes, <see cref="Wake"/> is called, or
    /// <paramref name="timeoutMs"/> passes. Returns false when nothing is queued.
    /// </summary>
    public bool WaitForItems(int timeoutMs)
    {
        while (_ring.Count == 0)
        {
            if (IsCompleted)
            {
                return false;
            }

            if (Interlocked.Exchange(ref _wakeRequested, 0) != 0)
            {
                return false;
            }

            // Reset before announcing: a producer sets the signal only after it saw the announcement, so its set
            // comes after this reset. The exchange is a full fence (not a plain volatile write): the announcement
            // must be visible before the ring is read again, or a producer could miss it while this thread misses
            // the producer's item — a lost wake-up.
            _signal.Reset();
            Interlocked.Exchange(ref _sleeping, 1);
            // Re-check after announcing: an enqueue between the first check and the announcement must not be missed.
            if (_ring.Count != 0 || IsCompleted || Volatile.Read(ref _wakeRequested) != 0)
            {
                Volatile.Write(ref _sleeping, 0);
                continue;
            }

            if (!_signal.Wait(timeoutMs))
            {
                Volatile.Write(ref _sleeping, 0);
                return _ring.Count != 0;
            }
        }

        return true;
    }

    /// <summary>Wakes a sleeping consumer without an item (it has other work: a started direct send to finish).</summary>
    public void Wake()
    {
        // Set before the sleeping flag is read (the exchange is a full fence): a consumer about to sleep sees it.
        Volatile.Write(ref _wakeRequested, 1);
        if (Interlocked.Exchange(ref _sleeping, 0) != 0)
        {
            _signal.Set();
        }
    }

    /// <summary>Stops accepting buffers and wakes the consumer; queued buffers stay for <see cref="Drain"/>.</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _signal.Set();
        }
    }

    /// <summary>Returns every queued buffer to its pool (after the consumer stopped).</summary>
    public void Drain()
    {
        while (_ring.TryDequeue(out var buffer))
        {
            buffer.Return();
        }
    }

    public void Dispose() => _signal.Dispose();
}
