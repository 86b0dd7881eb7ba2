namespace MeshActors.Routing;

/// <summary>Metric tuning: hysteresis and thresholds, in link-cost units (see <see cref="LinkCost"/>).</summary>
public sealed record MetricPolicy
{
    /// <summary>
    /// A feasible route replaces the selected one only when better by more than this (16 units ≈ 16 ms of RTT),
    /// so jitter between two similar paths does not flap the selection.
    /// </summary>
    public ushort SwitchMargin { get; init; } = 16;

    /// <summary>Feasible routes within this of the selected metric (8 units) are equal-cost alternatives for per-flow split.</summary>
    public ushort EqualCostTolerance { get; init; } = 8;

    /// <summary>A change of the selected metric smaller than this (16 units) waits for the next full dump.</summary>
    public ushort TriggerDelta { get; init; } = 16;

    /// <summary>Link cost changes smaller than this fraction of the current cost (10%) are ignored.</summary>
    public double MinCostChangeRatio { get; init; } = 0.1;

    /// <summary>Link cost changes smaller than this (4 units) are ignored whatever the ratio.</summary>
    public ushort MinCostChange { get; init; } = 4;
}
