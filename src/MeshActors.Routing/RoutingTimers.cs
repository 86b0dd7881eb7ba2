namespace MeshActors.Routing;

/// <summary>
/// Timer defaults of the routing core. Values follow RFC 8966 Appendix B scaled to a 1 s hello; the node reads the
/// ones an operator tunes from <c>meshactors.routing</c> (reference.conf repeats these defaults) and link liveness from
/// <c>meshactors.links</c>. All comparisons use the virtual or monotonic time passed into the core.
/// </summary>
public sealed record RoutingTimers
{
    /// <summary>Hello interval of the link layer (1 s). Not used by the core; kept here so bounds can be derived.</summary>
    public TimeSpan HelloInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed hellos after which the link layer declares a neighbour dead (3, i.e. 3 s of silence: the node's
    /// <c>links.dead-after</c> default).</summary>
    public int MissedHellosBeforeDead { get; init; } = 3;

    /// <summary>Time from a silent link to <c>NeighbourDown</c>: hello interval × missed hellos.</summary>
    public TimeSpan LinkDeadAfter => HelloInterval * MissedHellosBeforeDead;

    /// <summary>
    /// Period of full route dumps to every neighbour (20 s). Triggered updates carry changes at once; the dump only
    /// repairs lost triggered updates and refreshes expiry, so it can be slow and cheap.
    /// </summary>
    public TimeSpan UpdateInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>A route not refreshed for this long is dropped (70 s = 3.5 update intervals: two lost dumps survive).</summary>
    public TimeSpan RouteExpiry { get; init; } = TimeSpan.FromSeconds(70);

    /// <summary>A source (feasibility distance) not advertised for this long is forgotten (180 s, RFC 8966 B.1).</summary>
    public TimeSpan SourceGcTime { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Coalescing window for triggered updates (50 ms): changes within it leave in one batch, which keeps frames
    /// full during convergence at the price of 50 ms per hop.
    /// </summary>
    public TimeSpan TriggeredUpdateDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Resend an unanswered own seqno request after this long (2 s: several mesh round trips).</summary>
    public TimeSpan SeqnoRequestRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Resends of an own seqno request before giving up (3; the next unfeasible update asks again).</summary>
    public int SeqnoRequestRetries { get; init; } = 3;

    /// <summary>
    /// A request for the same source and seqno is not sent or forwarded again within this hold (2 s), which stops
    /// request storms when many neighbours starve at once.
    /// </summary>
    public TimeSpan SeqnoRequestHold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often expired routes and sources are swept (5 s: expiry may be late by at most this much).</summary>
    public TimeSpan ExpiryScanInterval { get; init; } = TimeSpan.FromSeconds(5);
}
