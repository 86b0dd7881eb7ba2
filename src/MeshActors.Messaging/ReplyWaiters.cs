using MeshActors.Messaging.Receiving;

namespace MeshActors.Messaging;

/// <summary>
/// Senders waiting for the answer to one of their messages (POST /messages?reply_timeout=…). The actor does the
/// waiting; this class only holds the mechanics: a reply whose reply-to id is awaited bypasses the inbox and is
/// parked here until the actor takes it, and a wait whose time is up is dropped (a late reply then goes to the
/// inbox like any message). At most max-in-flight waits at once.
/// </summary>
public sealed class ReplyWaiters(int capacity)
{
    private readonly Dictionary<ulong, Waiter> _waiters = [];

    public int Count => _waiters.Count;

    internal bool HasRoom => _waiters.Count < capacity;

    internal void Register(ulong messageId, DateTimeOffset until) => _waiters[messageId] = new Waiter(until);

    /// <summary>Parks <paramref name="reply"/> for its waiter; false when nobody waits for it (or a reply is already parked).</summary>
    internal bool TryPark(ReceivedMessage reply)
    {
        if (reply.ReplyTo is not { } original || !_waiters.TryGetValue(original, out var waiter) || waiter.Reply is not null)
        {
            return false;
        }

        waiter.Reply = reply;
        return true;
    }

    /// <summary>Takes the parked reply to <paramref name="messageId"/> and ends the wait.</summary>
    public bool TryTake(ulong messageId, out ReceivedMessage reply)
    {
        if (_waiters.TryGetValue(messageId, out var waiter) && waiter.Reply is { } parked)
        {
            _waiters.Remove(messageId);
            reply = parked;
            return true;
        }

        reply = null!;
        return false;
    }

    /// <summary>Replies parked for a waiter and not taken yet: delivered, so a snapshot keeps them (in the inbox, as
    /// nobody waits for them after a restart).</summary>
    internal IEnumerable<ReceivedMessage> ParkedReplies =>
        _waiters.Values.Where(waiter => waiter.Reply is not null).Select(waiter => waiter.Reply!);

    /// <summary>Ends a wait early (the HTTP caller went away); a reply that arrives later goes to the inbox.</summary>
    public void StopWaiting(ulong messageId) => _waiters.Remove(messageId);

    /// <summary>
    /// Drops waits whose time is up. A reply already parked for one is not lost: it is returned in
    /// <paramref name="orphans"/> for the caller to put in the inbox.
    /// </summary>
    internal void Expire(DateTimeOffset now, List<ReceivedMessage> orphans)
    {
        foreach (var (id, waiter) in _waiters)
        {
            if (waiter.Until <= now)
            {
                _waiters.Remove(id);
                if (waiter.Reply is { } reply)
                {
                    orphans.Add(reply);
                }
            }
        }
    }

    private sealed class Waiter(DateTimeOffset until)
    {
        public DateTimeOffset Until { get; } = until;

        public ReceivedMessage? Reply { get; set; }
    }
}
