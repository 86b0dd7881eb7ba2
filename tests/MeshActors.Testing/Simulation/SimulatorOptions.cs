using MeshActors.Routing;

namespace MeshActors.Testing.Simulation;

/// <summary>Knobs of the network simulator; every random choice derives from <see cref="Seed"/>.</summary>
public sealed record SimulatorOptions
{
    public int Seed { get; init; } = 1;

    public RoutingSettings Routing { get; init; } = RoutingSettings.Default;

    /// <summary>One-way link latency is drawn uniformly from [min, max] per link (5-40 ms: a regional overlay).</summary>
    public TimeSpan MinLatency { get; init; } = TimeSpan.FromMilliseconds(5);

    public TimeSpan MaxLatency { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Probability that a control frame is lost on a link (0 = reliable).</summary>
    public double LossRate { get; init; }

    /// <summary>Payload budget used to count frames and bytes (1,200 bytes: fits any UDP path with the frame header).</summary>
    public int MaxPayload { get; init; } = 1200;

    /// <summary>Share one router-id interning table across all cores (saves memory at scale; semantics unchanged).</summary>
    public bool ShareRouterIds { get; init; } = true;
}
