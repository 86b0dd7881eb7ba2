namespace MeshActors.Routing.Nat;

/// <summary>
/// Which peers this node sent to since the last look, from each peer's end-to-end send position (epoch, payloads
/// sealed in it), read now and then instead of counting packets. A peer seen for the first time counts as traffic
/// only when its position is past the start (a session created without a payload sealed is no traffic). Pure; the
/// caller passes the positions in. Holds one entry per peer present at the last look, so it is bounded by the
/// session cache it reads.
/// </summary>
public sealed class TrafficWatch<TPeer>
    where TPeer : notnull
{
    // Reused on every look (four times a second while a node sends): the two tables swap, the answer is cleared.
    private Dictionary<TPeer, (ulong Epoch, ulong Sealed)> _last = [];
    private Dictionary<TPeer, (ulong Epoch, ulong Sealed)> _now = [];
    private readonly List<TPeer> _moved = [];

    /// <summary>The peers whose position moved since the last call; valid until the next call.</summary>
    public IReadOnlyList<TPeer> Sent(IEnumerable<(TPeer Peer, (ulong Epoch, ulong Sealed) Position)> positions)
    {
        _moved.Clear();
        _now.Clear();
        foreach (var (peer, position) in positions)
        {
            _now[peer] = position;
            if (_last.TryGetValue(peer, out var before) ? before != position : position.Sealed > 0)
            {
                _moved.Add(peer);
            }
        }

        (_last, _now) = (_now, _last);
        return _moved;
    }
}
