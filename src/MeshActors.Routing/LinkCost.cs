namespace MeshActors.Routing;

/// <summary>Turns a link's smoothed RTT into the additive link cost used by the routing metric.</summary>
public static class LinkCost
{
    /// <summary>Added to every hop (10 units) so near-zero-RTT paths still prefer fewer hops.</summary>
    public const ushort HopPenalty = 10;

    /// <summary>Largest link cost (2,000 units ≈ 2 s RTT) so 30 such hops still fit below infinity.</summary>
    public const ushort Max = 2000;

    /// <summary>Cost = 10 + RTT in milliseconds, clamped to <see cref="Max"/>.</summary>
    public static ushort FromRtt(TimeSpan smoothedRtt)
    {
        var milliseconds = Math.Max(0, smoothedRtt.TotalMilliseconds);
        return (ushort)Math.Min(Max, HopPenalty + Math.Round(milliseconds));
    }
}
