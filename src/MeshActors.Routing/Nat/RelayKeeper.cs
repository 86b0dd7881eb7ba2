using System.Net;
using MeshActors.Routing.Names;

namespace MeshActors.Routing.Nat;

/// <summary>A relay known from the mesh's signed records: its key and the UDP endpoint to dial it at.</summary>
public sealed record RelayCandidate(KeyBytes Key, IPEndPoint EndPoint);

/// <summary>What <see cref="RelayKeeper.Next"/> asks of the node: dial a relay, or give up one it dialled.</summary>
public sealed record RelayStep(bool Dial, RelayCandidate Relay);

/// <summary>
/// The client role of a node behind NAT: it keeps a link to at least one relay. When no relay is linked (through a
/// configured peer or otherwise), it dials one it learnt from the records, one at a time, in key order; a dialled
/// relay not linked within the give-up time (never reached, or lost and not back) is given up and not tried again
/// for the cool-down, so the next one gets its turn; so is a relay whose link just went (it most likely went down;
/// were it configured, its own peer actor redials it). A dialled relay that is linked is kept, also once the node no
/// longer needs it (it costs one link). Time is passed in; not thread-safe: one owner.
/// </summary>
public sealed class RelayKeeper(TimeSpan giveUpAfter, TimeSpan coolDown)
{
    private readonly Dictionary<KeyBytes, Held> _held = [];
    private readonly Dictionary<KeyBytes, long> _triedAtMs = [];
    private HashSet<KeyBytes> _linkedBefore = [];

    /// <summary>Relays this keeper dialled and still holds.</summary>
    public IEnumerable<RelayCandidate> Dialled => _held.Values.Select(held => held.Relay);

    /// <param name="behindNat">Whether any neighbour sees this node translated.</param>
    /// <param name="relays">Relays the records announce (this node's own key excluded).</param>
    /// <param name="linked">Keys of every neighbour with a link up now.</param>
    public IReadOnlyList<RelayStep> Next(bool behindNat, IReadOnlyList<RelayCandidate> relays, IReadOnlySet<KeyBytes> linked, long nowMs)
    {
        var steps = new List<RelayStep>();
        foreach (var relay in relays)
        {
            if (_linkedBefore.Contains(relay.Key) && !linked.Contains(relay.Key))
            {
                _triedAtMs[relay.Key] = nowMs;
            }
        }

        _linkedBefore = [.. relays.Select(relay => relay.Key).Where(linked.Contains)];
        foreach (var (key, held) in _held.ToList())
        {
            if (linked.Contains(key))
            {
                held.LastLinkedMs = nowMs;
            }
            else if (nowMs - held.LastLinkedMs >= (long)giveUpAfter.TotalMilliseconds)
            {
                _held.Remove(key);
                _triedAtMs[key] = nowMs;
                steps.Add(new RelayStep(false, held.Relay));
            }
        }

        foreach (var (key, at) in _triedAtMs.ToList())
        {
            if (nowMs - at >= (long)coolDown.TotalMilliseconds)
            {
                _triedAtMs.Remove(key);
            }
        }

        var served = relays.Any(relay => linked.Contains(relay.Key)) || _held.Count > 0;
        if (behindNat && !served)
        {
            var next = relays.Where(relay => !_triedAtMs.ContainsKey(relay.Key)).OrderBy(relay => relay.Key).FirstOrDefault();
            if (next is not null)
            {
                _held[next.Key] = new Held(next, nowMs);
                steps.Add(new RelayStep(true, next));
            }
        }

        return steps;
    }

    private sealed class Held(RelayCandidate relay, long sinceMs)
    {
        public RelayCandidate Relay { get; } = relay;

        /// <summary>When it was dialled or last seen linked.</summary>
        public long LastLinkedMs { get; set; } = sinceMs;
    }
}
