namespace MeshActors.Routing;

/// <summary>Monotonic counters of the routing core; read by the owner thread or copied out as a snapshot.</summary>
public sealed class RoutingCounters
{
    public long UpdatesReceived { get; internal set; }

    /// <summary>Updates whose originator may not originate the prefix (hijack attempts or misconfiguration).</summary>
    public long HijacksDropped { get; internal set; }

    /// <summary>Updates for a new destination or from a new originator while the table is at <see cref="RoutingSettings.MaxDestinations"/>.</summary>
    public long UpdatesOverTableLimit { get; internal set; }

    /// <summary>Updates from a neighbour the core does not know (raced with NeighbourDown).</summary>
    public long UpdatesFromUnknownNeighbour { get; internal set; }

    public long UnfeasibleUpdates { get; internal set; }

    public long SeqnoRequestsSent { get; internal set; }

    public long SeqnoRequestsReceived { get; internal set; }

    public long SeqnoRequestsForwarded { get; internal set; }

    /// <summary>Times this node raised its own seqno to answer a request.</summary>
    public long OwnSeqnoBumps { get; internal set; }

    public long RoutesExpired { get; internal set; }

    /// <summary>A copy of every counter, by a snake_case name (the metrics label), for readers on other threads.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>
    {
        ["updates_received"] = UpdatesReceived,
        ["hijacks_dropped"] = HijacksDropped,
        ["updates_over_table_limit"] = UpdatesOverTableLimit,
        ["updates_from_unknown_neighbour"] = UpdatesFromUnknownNeighbour,
        ["unfeasible_updates"] = UnfeasibleUpdates,
        ["seqno_requests_sent"] = SeqnoRequestsSent,
        ["seqno_requests_received"] = SeqnoRequestsReceived,
        ["seqno_requests_forwarded"] = SeqnoRequestsForwarded,
        ["own_seqno_bumps"] = OwnSeqnoBumps,
        ["routes_expired"] = RoutesExpired,
    };
}
