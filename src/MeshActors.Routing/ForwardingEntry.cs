using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// One prefix of a <see cref="ForwardingSnapshot"/>: the selected next hop first, then equal-cost alternatives.
/// Immutable; shared by all data-plane threads.
/// </summary>
public sealed class ForwardingEntry
{
    private readonly NeighbourId[] _nextHops;

    public ForwardingEntry(RoutePrefix prefix, ushort metric, NeighbourId[] nextHops, RouterId originator = default)
    {
        if (nextHops.Length == 0)
        {
            throw new ArgumentException("a forwarding entry needs a next hop", nameof(nextHops));
        }

        Prefix = prefix;
        Metric = metric;
        _nextHops = nextHops;
        Originator = originator;
    }

    /// <summary>The node that owns the prefix: the end-to-end peer of packets sent to it.</summary>
    public RouterId Originator { get; }

    public RoutePrefix Prefix { get; }

    public ushort Metric { get; }

    /// <summary>The selected route's neighbour.</summary>
    public NeighbourId NextHop => _nextHops[0];

    /// <summary>Selected next hop followed by the equal-cost alternatives.</summary>
    public ReadOnlySpan<NeighbourId> NextHops => _nextHops;

    /// <summary>
    /// Next hop for a flow, by rendezvous hashing over <see cref="NextHops"/>: a flow keeps its hop while that
    /// hop stays in the set, and only flows of a removed hop move. Allocation-free.
    /// </summary>
    public NeighbourId SelectForFlow(ulong flowHash)
    {
        if (_nextHops.Length == 1)
        {
            return _nextHops[0];
        }

        var best = _nextHops[0];
        var bestScore = 0UL;
        foreach (var hop in _nextHops)
        {
            var score = Mix(flowHash ^ ((ulong)(uint)hop.Value * 0x9E3779B97F4A7C15UL));
            if (score >= bestScore)
            {
                (best, bestScore) = (hop, score);
            }
        }

        return best;
    }

    /// <summary>SplitMix64 finalizer: spreads a 64-bit input uniformly.</summary>
    private static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
