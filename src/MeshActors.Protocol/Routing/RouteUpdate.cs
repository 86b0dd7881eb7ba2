namespace MeshActors.Protocol.Routing;

/// <summary>
/// One route advertisement: <paramref name="Originator"/> reaches <paramref name="Prefix"/> with sequence number
/// <paramref name="Seqno"/> at <paramref name="Metric"/> as seen by the sender (the receiver adds its link cost).
/// A metric of <see cref="RouteMetric.Infinity"/> retracts the sender's route.
/// </summary>
public readonly record struct RouteUpdate(RoutePrefix Prefix, ushort Seqno, ushort Metric, RouterId Originator)
{
    public bool IsRetraction => Metric == RouteMetric.Infinity;
}
