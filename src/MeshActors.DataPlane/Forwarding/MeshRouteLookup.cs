using MeshActors.DataPlane.Forwarding;
using MeshActors.Crypto;
using MeshActors.DataPlane.Links;
using MeshActors.Routing;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// The data plane's immutable view of the selected routes: longest-prefix match (<see cref="ForwardingSnapshot"/>)
/// plus, per entry, the next hop's <see cref="Link"/> and the prefix owner's identity, resolved once when the
/// route table publishes, so a lookup is one trie walk and one dictionary probe without allocation.
/// </summary>
public sealed class MeshRouteLookup : IRouteLookup
{
    private readonly ForwardingSnapshot _snapshot;
    private readonly Dictionary<ForwardingEntry, RouteTarget> _targets;

    private MeshRouteLookup(ForwardingSnapshot snapshot, Dictionary<ForwardingEntry, RouteTarget> targets)
    {
        _snapshot = snapshot;
        _targets = targets;
    }

    public static MeshRouteLookup Empty { get; } = new(ForwardingSnapshot.Empty, new(ReferenceEqualityComparer.Instance));

    public int Count => _targets.Count;

    /// <summary>Entries whose next hop has no link or whose originator is not a valid key are left out (no route).</summary>
    public static MeshRouteLookup Build(
        ForwardingSnapshot snapshot, IReadOnlyDictionary<NeighbourId, Link> links, Func<Protocol.Routing.RouterId, PublicIdentity?> identityOf)
    {
        var targets = new Dictionary<ForwardingEntry, RouteTarget>(ReferenceEqualityComparer.Instance);
        foreach (var entry in snapshot.Entries)
        {
            if (links.TryGetValue(entry.NextHop, out var link) && identityOf(entry.Originator) is { } owner)
            {
                targets[entry] = new RouteTarget(link, owner, entry.Prefix);
            }
        }

        return new MeshRouteLookup(snapshot, targets);
    }

    public bool TryLookup(ReadOnlySpan<byte> destination, out RouteTarget target)
    {
        target = default;
        return _snapshot.TryLookup(destination, out var entry) && _targets.TryGetValue(entry, out target);
    }
}
