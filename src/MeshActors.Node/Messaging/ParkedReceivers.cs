using Akka.Actor;

namespace MeshActors.Node.Messaging;

/// <summary>
/// Long-polls (<c>GET /api/v1/messages?timeout=…</c>) waiting for a message, oldest first. Bounded: each holds an
/// HTTP request open, so beyond <see cref="Capacity"/> new ones are answered Busy at once.
/// </summary>
public sealed class ParkedReceivers
{
    /// <summary>Concurrent long-polls, requests: far more than the few local applications a node serves.</summary>
    public const int Capacity = 256;

    private readonly List<(IActorRef Asker, byte[] Prefix, DateTimeOffset Until)> _parked = [];

    public int Count => _parked.Count;

    public DateTimeOffset? Earliest => _parked.Count == 0 ? null : _parked.Min(p => p.Until);

    public bool TryPark(IActorRef asker, byte[] prefix, DateTimeOffset until)
    {
        if (_parked.Count >= Capacity)
        {
            return false;
        }

        _parked.Add((asker, prefix, until));
        return true;
    }

    /// <summary>Tells every waiter for which <paramref name="hasMessage"/> holds to look now.</summary>
    public void WakeMatching(Func<byte[], bool> hasMessage)
    {
        _parked.RemoveAll(parked =>
        {
            if (!hasMessage(parked.Prefix))
            {
                return false;
            }

            parked.Asker.Tell(new WaitAnswer(WaitResult.Ready));
            return true;
        });
    }

    public void Expire(DateTimeOffset now)
    {
        _parked.RemoveAll(parked =>
        {
            if (parked.Until > now)
            {
                return false;
            }

            parked.Asker.Tell(new WaitAnswer(WaitResult.TimedOut));
            return true;
        });
    }
}
