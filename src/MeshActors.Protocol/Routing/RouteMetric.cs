namespace MeshActors.Protocol.Routing;

/// <summary>Additive 16-bit route metric. Units are link-cost units (see the routing core's LinkCost).</summary>
public static class RouteMetric
{
    /// <summary>The unreachable metric; an update carrying it is a retraction (RFC 8966 section 2.1).</summary>
    public const ushort Infinity = 0xFFFF;

    /// <summary>Adds a link cost to a metric, saturating at <see cref="Infinity"/>.</summary>
    public static ushort Add(ushort metric, ushort cost)
    {
        var sum = metric + cost;
        return sum >= Infinity ? Infinity : (ushort)sum;
    }
}
