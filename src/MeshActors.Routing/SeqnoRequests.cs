using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// Outstanding seqno requests per source (destination, originator): suppresses duplicates within the hold time
/// and schedules resends of this node's own requests while it stays starved.
/// </summary>
internal sealed class SeqnoRequests(RoutingTimers timers)
{
    private readonly Dictionary<long, Pending> _pending = new();
    private readonly List<long> _scratch = new();
    private readonly long _holdMs = CoarseTime.Milliseconds(timers.SeqnoRequestHold);
    private readonly long _retryMs = CoarseTime.Milliseconds(timers.SeqnoRequestRetry);

    public int Count => _pending.Count;

    /// <summary>(destination, originator, seqno) of every pending request, for inspection.</summary>
    public IEnumerable<(int Destination, int Originator, ushort Seqno)> InFlight =>
        _pending.Select(pair => (SourceTable.DestinationOf(pair.Key), SourceTable.OriginatorOf(pair.Key), pair.Value.Seqno));

    /// <summary>Earliest time a resend or cleanup is due, in milliseconds; long.MaxValue when idle.</summary>
    public long NextDueMs { get; private set; } = long.MaxValue;

    /// <summary>
    /// Registers a request about to be sent or forwarded; false when an equal or newer one went out within the
    /// hold time and this one should be suppressed.
    /// </summary>
    public bool TryBegin(int destination, int originator, ushort seqno, bool own, long nowMs)
    {
        var key = SourceTable.Key(destination, originator);
        if (_pending.TryGetValue(key, out var pending)
            && Seqno.IsAtLeast(pending.Seqno, seqno) && nowMs < pending.SentAtMs + _holdMs)
        {
            return false;
        }

        var dueMs = nowMs + (own ? _retryMs : _holdMs);
        _pending[key] = new Pending(seqno, nowMs, dueMs, 0, own);
        NextDueMs = Math.Min(NextDueMs, dueMs);
        return true;
    }

    /// <summary>
    /// Calls <paramref name="resend"/> for own requests whose retry time came and drops the rest that are due.
    /// <paramref name="resend"/> gets (destination, originator, seqno) and returns false when the request is no
    /// longer needed.
    /// </summary>
    public void Service(long nowMs, int maxRetries, Func<int, int, ushort, bool> resend)
    {
        if (nowMs < NextDueMs)
        {
            return;
        }

        _scratch.Clear();
        _scratch.AddRange(_pending.Keys);
        NextDueMs = long.MaxValue;
        foreach (var key in _scratch)
        {
            var pending = _pending[key];
            if (pending.DueMs > nowMs)
            {
                NextDueMs = Math.Min(NextDueMs, pending.DueMs);
                continue;
            }

            var destination = (int)(key >> 32);
            var originator = (int)(uint)key;
            if (pending.Own && pending.Retries < maxRetries && resend(destination, originator, pending.Seqno))
            {
                var dueMs = nowMs + _retryMs;
                _pending[key] = pending with { SentAtMs = nowMs, DueMs = dueMs, Retries = pending.Retries + 1 };
                NextDueMs = Math.Min(NextDueMs, dueMs);
            }
            else
            {
                _pending.Remove(key);
            }
        }
    }

    private readonly record struct Pending(ushort Seqno, long SentAtMs, long DueMs, int Retries, bool Own);
}
