using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Messaging;

/// <summary>
/// Who sent the messages this node handed to its API clients, so a reply needs only the message id
/// (<c>message reply ID TEXT</c>). Bounded: the oldest entries are forgotten first.
/// </summary>
internal sealed class RecentSenders(int capacity)
{
    private readonly Dictionary<ulong, RouterId> _senders = [];
    private readonly Queue<ulong> _order = new();

    public void Remember(ulong messageId, RouterId sender)
    {
        if (_senders.TryAdd(messageId, sender))
        {
            _order.Enqueue(messageId);
            while (_order.Count > capacity)
            {
                _senders.Remove(_order.Dequeue());
            }
        }
    }

    public RouterId? SenderOf(ulong messageId) => _senders.TryGetValue(messageId, out var sender) ? sender : null;
}
