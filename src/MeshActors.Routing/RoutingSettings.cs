namespace MeshActors.Routing;

/// <summary>Everything the routing core is tuned by.</summary>
public sealed record RoutingSettings
{
    public static RoutingSettings Default { get; } = new();

    public RoutingTimers Timers { get; init; } = new();

    public MetricPolicy Metrics { get; init; } = new();

    /// <summary>Hop count of new seqno requests (64: far above the diameter of any mesh we expect).</summary>
    public byte SeqnoRequestHopCount { get; init; } = 64;
}
