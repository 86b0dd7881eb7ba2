namespace MeshActors.Routing;

/// <summary>Everything the routing core is tuned by.</summary>
public sealed record RoutingSettings
{
    public static RoutingSettings Default { get; } = new();

    public RoutingTimers Timers { get; init; } = new();

    public MetricPolicy Metrics { get; init; } = new();

    /// <summary>Hop count of new seqno requests (64: far above the diameter of any mesh we expect).</summary>
    public byte SeqnoRequestHopCount { get; init; } = 64;

    /// <summary>
    /// Most destinations (prefixes) and most originators the table takes in; updates beyond either are dropped and
    /// counted (<see cref="RoutingEvent.UpdatesOverTableLimit"/>), so a neighbour announcing endless fresh keys
    /// costs bounded memory (about 20 MiB at the default 65,536) instead of all of it. Routes already known keep
    /// updating.
    /// </summary>
    public int MaxDestinations { get; init; } = 65_536;

    /// <summary>
    /// Whether this node carries traffic between other nodes (<c>nat.relay</c>). Off: it advertises only the prefixes
    /// it originates and answers or forwards no seqno request for another's, so no neighbour ever learns a path
    /// through it; it still learns and uses every route itself.
    /// </summary>
    public bool Transit { get; init; } = true;
}
