namespace MeshActors.Routing;

/// <summary>Monotonic counters of the routing core; read by the owner thread or copied out as a snapshot.</summary>
public sealed class RoutingCounters
{
    public long UpdatesReceived { get; internal set; }

    /// <summary>Updates whose originator may not originate the prefix (hijack attempts or misconfiguration).</summary>
    public long HijacksDropped { get; internal set; }

    /// <summary>Updates from a neighbour the core does not know (raced with NeighbourDown).</summary>
    public long UpdatesFromUnknownNeighbour { get; internal set; }

    public long UnfeasibleUpdates { get; internal set; }

    public long SeqnoRequestsSent { get; internal set; }

    public long SeqnoRequestsReceived { get; internal set; }

    public long SeqnoRequestsForwarded { get; internal set; }

    /// <summary>Times this node raised its own seqno to answer a request.</summary>
    public long OwnSeqnoBumps { get; internal set; }

    public long RoutesExpired { get; internal set; }
}
