namespace MeshActors.Crypto.Handshake;

/// <summary>
/// A map with a hard capacity: adding beyond it evicts the least recently added or updated entry (and disposes it
/// when it is disposable). Bounds responder memory whatever a flood of handshakes does. Single owner, not thread safe.
/// </summary>
internal sealed class BoundedLru<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> _map;
    private readonly LinkedList<KeyValuePair<TKey, TValue>> _order = new();
    private readonly int _capacity;

    public BoundedLru(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _map = new Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>>(capacity);
    }

    public int Count => _map.Count;

    /// <summary>How many entries were pushed out by the capacity so far.</summary>
    public long Evictions { get; private set; }

    public bool TryGet(TKey key, out TValue value)
    {
        if (_map.TryGetValue(key, out var node))
        {
            value = node.Value.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Adds or replaces (the replaced value is disposed) and marks the entry newest.</summary>
    public void Set(TKey key, TValue value)
    {
        if (_map.Remove(key, out var existing))
        {
            _order.Remove(existing);
            DisposeIfNeeded(existing.Value.Value, value);
        }
        else if (_map.Count >= _capacity)
        {
            var oldest = _order.First!;
            _order.RemoveFirst();
            _map.Remove(oldest.Value.Key);
            DisposeIfNeeded(oldest.Value.Value, value);
            Evictions++;
        }

        _map[key] = _order.AddLast(new KeyValuePair<TKey, TValue>(key, value));
    }

    /// <summary>Removes the entry and hands it to the caller, who then owns it.</summary>
    public bool TryRemove(TKey key, out TValue value)
    {
        if (_map.Remove(key, out var node))
        {
            _order.Remove(node);
            value = node.Value.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Removes (and disposes) every entry.</summary>
    public void Clear()
    {
        foreach (var entry in _order)
        {
            DisposeIfNeeded(entry.Value, default!);
        }

        _order.Clear();
        _map.Clear();
    }

    private static void DisposeIfNeeded(TValue dropped, TValue kept)
    {
        if (dropped is IDisposable disposable && !ReferenceEquals(dropped, kept))
        {
            disposable.Dispose();
        }
    }
}
