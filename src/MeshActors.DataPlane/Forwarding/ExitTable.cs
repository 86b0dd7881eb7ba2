using MeshActors.Crypto;
using MeshActors.Protocol;
using MeshActors.Protocol.Routing;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// Exit prefixes and the nodes that serve each (learnt from their signed name records), immutable and swapped whole
/// like the route lookup. When a packet's route is an exit prefix, the origin picks one exit per flow by rendezvous
/// hashing over the exits it has a route to: every flow scores every exit and takes the best, so an exit that
/// fails (its route is withdrawn) moves only the flows it carried, and the others keep theirs. Allocation-free.
/// </summary>
public sealed class ExitTable
{
    private readonly Dictionary<RoutePrefix, Exit[]> _byPrefix;

    private ExitTable(Dictionary<RoutePrefix, Exit[]> byPrefix)
    {
        _byPrefix = byPrefix;
    }

    public static ExitTable Empty { get; } = new([]);

    public int Count => _byPrefix.Count;

    /// <summary>Each exit prefix with its exits, ordered by key.</summary>
    public IEnumerable<KeyValuePair<RoutePrefix, Exit[]>> Entries => _byPrefix;

    /// <summary>
    /// Builds a table from (exit key, its prefixes); an (exit, prefix) pair already in <paramref name="previous"/>
    /// keeps its <see cref="Exit"/> object, so its packet count goes on.
    /// </summary>
    public static ExitTable Build(
        IEnumerable<(PublicIdentity Key, IReadOnlyList<RoutePrefix> Prefixes)> exits, IpPrefix overlayPrefix, ExitTable? previous = null)
    {
        var lists = new Dictionary<RoutePrefix, List<Exit>>();
        foreach (var (key, prefixes) in exits)
        {
            foreach (var prefix in prefixes.Distinct())
            {
                var exit = previous?.Find(prefix, key) ?? new Exit(key, overlayPrefix);
                if (!lists.TryGetValue(prefix, out var list))
                {
                    lists[prefix] = list = [];
                }

                list.Add(exit);
            }
        }

        return new ExitTable(lists.ToDictionary(
            pair => pair.Key,
            pair => pair.Value.OrderBy(exit => Convert.ToHexString(exit.Key.Bytes), StringComparer.Ordinal).ToArray()));
    }

    public bool TryGet(RoutePrefix prefix, out Exit[] exits) => _byPrefix.TryGetValue(prefix, out exits!);

    /// <summary>
    /// The exit of <paramref name="prefix"/> for a flow: the best-scoring exit that <paramref name="routes"/> reaches
    /// (a route to its overlay address owned by that exit, on a link that is not closing); false when the prefix is
    /// no exit prefix or no exit of it is reachable.
    /// </summary>
    public bool TryChoose(RoutePrefix prefix, ulong flowHash, IRouteLookup routes, out Exit exit, out RouteTarget target)
    {
        exit = null!;
        target = default;
        if (!_byPrefix.TryGetValue(prefix, out var exits))
        {
            return false;
        }

        var bestScore = 0UL;
        foreach (var candidate in exits)
        {
            var score = FlowHash.Mix(flowHash ^ candidate.Seed);
            if ((exit is null || score > bestScore) && TryReach(candidate, routes, out var route))
            {
                (exit, target, bestScore) = (candidate, route, score);
            }
        }

        return exit is not null;
    }

    /// <summary>True when <paramref name="key"/> is one of the exits of <paramref name="prefix"/>.</summary>
    public bool Serves(RoutePrefix prefix, PublicIdentity key)
    {
        if (!_byPrefix.TryGetValue(prefix, out var exits))
        {
            return false;
        }

        foreach (var exit in exits)
        {
            if (exit.Key == key)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="routes"/> has a route to the exit itself: its overlay address, owned by its
    /// key (not a shorter prefix someone else announced), on a link that is not closing.</summary>
    public static bool TryReach(Exit exit, IRouteLookup routes, out RouteTarget route) =>
        routes.TryLookup(exit.Address, out route) && route.Owner == exit.Key && !route.NextHop.IsClosing;

    private Exit? Find(RoutePrefix prefix, PublicIdentity key) =>
        _byPrefix.TryGetValue(prefix, out var exits) ? Array.Find(exits, exit => exit.Key == key) : null;
}
