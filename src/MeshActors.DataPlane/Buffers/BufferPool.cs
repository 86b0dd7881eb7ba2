namespace MeshActors.DataPlane.Buffers;

/// <summary>
/// Bounded pool of <see cref="PacketBuffer"/>s of one size. Buffers are created up front (<see cref="Prewarm"/>) and
/// then on demand up to <see cref="Capacity"/>, and recycled through a lock-free free list, so steady state allocates
/// nothing and memory is bounded by capacity × size. When all buffers are out, <see cref="TryRent"/> fails and the
/// caller drops its packet (counted in <see cref="Exhausted"/>): a full pool is back-pressure, never a reason to grow.
/// Thread safe.
/// </summary>
public sealed class BufferPool
{
    private readonly BoundedRing<PacketBuffer> _free;
    private int _created;
    private long _exhausted;

    public BufferPool(int capacity, int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, BufferLayout.BufferSizeFor(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bufferSize, BufferLayout.MaxBufferSize);
        Capacity = capacity;
        BufferSize = bufferSize;
        _free = new BoundedRing<PacketBuffer>(capacity);
    }

    public int Capacity { get; }

    public int BufferSize { get; }

    /// <summary>Largest inner IP packet a buffer of this pool carries.</summary>
    public int MaxPacket => BufferSize - BufferLayout.PacketOffset - BufferLayout.Tailroom;

    /// <summary>Buffers created so far (never more than <see cref="Capacity"/>).</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Buffers currently in the free list.</summary>
    public int Available => _free.Count;

    /// <summary>Rent attempts refused because every buffer was in use.</summary>
    public long Exhausted => Volatile.Read(ref _exhausted);

    /// <summary>
    /// Creates up to <paramref name="count"/> buffers now (never past <see cref="Capacity"/>) and puts them in the free
    /// list, so the first transfers rent instead of allocating: a pool that grew during a transfer made the garbage
    /// collector run in the middle of it. Call before the pool is used.
    /// </summary>
    public void Prewarm(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        while (Created < Math.Min(count, Capacity))
        {
            _created++;
            _free.TryEnqueue(new PacketBuffer(this, BufferSize));
        }
    }

    public bool TryRent(out PacketBuffer buffer)
    {
        if (_free.TryDequeue(out buffer))
        {
            return true;
        }

        if (Interlocked.Increment(ref _created) <= Capacity)
        {
            buffer = new PacketBuffer(this, BufferSize);
            return true;
        }

        Interlocked.Decrement(ref _created);
        Interlocked.Increment(ref _exhausted);
        buffer = null!;
        return false;
    }

    internal void Return(PacketBuffer buffer)
    {
        buffer.Reset();
        // Cannot fail: the ring's capacity is at least the number of buffers that exist.
        _free.TryEnqueue(buffer);
    }
}
