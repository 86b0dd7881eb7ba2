namespace MeshActors.DataPlane.Buffers;

/// <summary>
/// Bounded lock-free multi-producer multi-consumer queue (Vyukov's array queue: each cell carries a sequence number
/// that says whose turn it is). Capacity is rounded up to a power of two. Drop policy: <see cref="TryEnqueue"/>
/// fails when full and the caller drops the item and counts it — nothing ever blocks or grows. No allocation after
/// construction. Used as SPSC (link send rings), MPSC (TUN write ring) and MPMC (buffer free list).
/// </summary>
public sealed class BoundedRing<T>
    where T : class
{
    private readonly Cell[] _cells;
    private readonly int _mask;
    private PaddedLong _enqueuePosition;
    private PaddedLong _dequeuePosition;

    public BoundedRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1 << 30);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _cells = new Cell[size];
        for (var i = 0; i < size; i++)
        {
            _cells[i].Sequence = i;
        }

        _mask = size - 1;
    }

    public int Capacity => _cells.Length;

    /// <summary>Items queued right now; exact when no operation is in flight, approximate otherwise.</summary>
    public int Count => (int)Math.Clamp(Volatile.Read(ref _enqueuePosition.Value) - Volatile.Read(ref _dequeuePosition.Value), 0, _cells.Length);

    public bool TryEnqueue(T item)
    {
        var position = Volatile.Read(ref _enqueuePosition.Value);
        while (true)
        {
            ref var cell = ref _cells[position & _mask];
            var sequence = Volatile.Read(ref cell.Sequence);
            var difference = sequence - position;
            if (difference == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueuePosition.Value, position + 1, position) == position)
                {
                    cell.Item = item;
                    Volatile.Write(ref cell.Sequence, position + 1);
                    return true;
                }
            }
            else if (difference < 0)
            {
                return false;
            }

            position = Volatile.Read(ref _enqueuePosition.Value);
        }
    }

    public bool TryDequeue(out T item)
    {
        var position = Volatile.Read(ref _dequeuePosition.Value);
        while (true)
        {
            ref var cell = ref _cells[position & _mask];
            var sequence = Volatile.Read(ref cell.Sequence);
            var difference = sequence - (position + 1);
            if (difference == 0)
            {
                if (Interlocked.CompareExchange(ref _dequeuePosition.Value, position + 1, position) == position)
                {
                    item = cell.Item!;
                    cell.Item = null;
                    Volatile.Write(ref cell.Sequence, position + _cells.Length);
                    return true;
                }
            }
            else if (difference < 0)
            {
                item = null!;
                return false;
            }

            position = Volatile.Read(ref _dequeuePosition.Value);
        }
    }

    private struct Cell
    {
        public long Sequence;
        public T? Item;
    }
}
