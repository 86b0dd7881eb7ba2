namespace MeshActors.Messaging.Receiving;

/// <summary>
/// Which (sender, id) pairs were delivered recently, so retransmits that cross the final ack are re-acked but never
/// delivered twice. Kept for delivered-id-retention (which bounds accepted deadlines) and at most
/// max-delivered-ids, oldest forgotten first. Insertion order is expiry order, so pruning looks at the front only.
/// </summary>
internal sealed class DeliveredIds(MessageBusSettings settings)
{
    private readonly HashSet<MessageKey> _ids = [];
    private readonly Queue<(MessageKey Key, DateTimeOffset Expires)> _order = new();

    public bool Contains(MessageKey key) => _ids.Contains(key);

    /// <summary>The remembered ids with their expiry, oldest first.</summary>
    public IEnumerable<(MessageKey Key, DateTimeOffset Expires)> Entries => _order;

    public void Add(MessageKey key, DateTimeOffset now) => AddUntil(key, now + settings.DeliveredIdRetention);

    /// <summary>Remembers <paramref name="key"/> until <paramref name="expires"/>; callers add in expiry order.</summary>
    public void AddUntil(MessageKey key, DateTimeOffset expires)
    {
        if (!_ids.Add(key))
        {
            return;
        }

        _order.Enqueue((key, expires));
        while (_ids.Count > settings.MaxDeliveredIds && _order.TryDequeue(out var oldest))
        {
            _ids.Remove(oldest.Key);
        }
    }

    public void Prune(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && oldest.Expires <= now)
        {
            _order.Dequeue();
            _ids.Remove(oldest.Key);
        }
    }
}
