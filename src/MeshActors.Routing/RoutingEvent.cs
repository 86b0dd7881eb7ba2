namespace MeshActors.Routing;

/// <summary>What the routing core counts (<see cref="RoutingCore.Counters"/>); the snake_case name is the metrics label.</summary>
public enum RoutingEvent
{
    UpdatesReceived,

    /// <summary>Updates whose originator may not originate the prefix (hijack attempts or misconfiguration).</summary>
    HijacksDropped,

    /// <summary>Updates for a new destination or from a new originator while the table is at <see cref="RoutingSettings.MaxDestinations"/>.</summary>
    UpdatesOverTableLimit,

    /// <summary>Updates from a neighbour the core does not know (raced with NeighbourDown).</summary>
    UpdatesFromUnknownNeighbour,

    UnfeasibleUpdates,

    SeqnoRequestsSent,

    SeqnoRequestsReceived,

    SeqnoRequestsForwarded,

    /// <summary>Times this node raised its own seqno to answer a request.</summary>
    OwnSeqnoBumps,

    RoutesExpired,
}
