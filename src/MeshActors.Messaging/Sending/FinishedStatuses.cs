namespace MeshActors.Messaging.Sending;

/// <summary>
/// Statuses of outbound messages that left the in-flight table (delivered, read, aborted), kept for
/// status-retention and at most max-status-entries, oldest forgotten first. Entries are queued in finishing
/// order, which is also expiry order, so pruning only looks at the front.
/// </summary>
internal sealed class FinishedStatuses(MessageBusSettings settings)
{
    private readonly Dictionary<ulong, MessageStatus> _statuses = [];
    private readonly Queue<(ulong Id, DateTimeOffset Expires)> _order = new();

    public void Add(MessageStatus status, DateTimeOffset now)
    {
        _statuses[status.Id] = status;
        _order.Enqueue((status.Id, now + settings.StatusRetention));
        while (_statuses.Count > settings.MaxStatusEntries && _order.TryDequeue(out var oldest))
        {
            _statuses.Remove(oldest.Id);
        }
    }

    public bool TryGet(ulong id, out MessageStatus status) => _statuses.TryGetValue(id, out status!);

    /// <summary>Replaces a kept status in place (read receipt after delivery) without extending its retention.</summary>
    public void Update(MessageStatus status) => _statuses[status.Id] = status;

    public void Prune(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && oldest.Expires <= now)
        {
            _order.Dequeue();
            _statuses.Remove(oldest.Id);
        }
    }
}
