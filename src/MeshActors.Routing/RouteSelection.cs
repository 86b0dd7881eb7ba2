using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// Picks the route to use for a destination: the lowest total metric (advertised metric + link cost) among
/// feasible routes, with hysteresis: the current route is kept unless it became unfeasible or unreachable, or
/// a feasible route beats it by more than <see cref="MetricPolicy.SwitchMargin"/>. One exception: a route straight
/// from the originator (advertised metric 0, a direct link such as a punched one) replaces a relayed route as soon
/// as its metric is lower at all. Fewer hops are a change of structure, not jitter, and the margin (16) would
/// otherwise keep a two-hop path of 20 over a direct link of 10 for ever; the way back still needs the margin, so
/// the pair cannot flap.
/// </summary>
internal sealed class RouteSelection(SourceTable sources, NeighbourTable neighbours, MetricPolicy policy)
{
    public ushort TotalMetric(in RouteEntry route) =>
        RouteMetric.Add(route.AdvertisedMetric, neighbours.CostAt(route.Neighbour));

    public bool IsUsable(int destination, in RouteEntry route) =>
        TotalMetric(route) != RouteMetric.Infinity
        && sources.IsFeasible(destination, route.Originator, route.Seqno, route.AdvertisedMetric);

    /// <summary>Position of the route to select in the destination's array, or -1 when none is usable.</summary>
    public int Choose(int index, in Destination destination)
    {
        var best = -1;
        var bestMetric = RouteMetric.Infinity;
        var current = -1;
        var currentMetric = RouteMetric.Infinity;
        for (var i = 0; i < destination.RouteCount; i++)
        {
            ref readonly var route = ref destination.Routes![i];
            if (!IsUsable(index, route))
            {
                continue;
            }

            var metric = TotalMetric(route);
            if (route.Neighbour == destination.Selected)
            {
                current = i;
                currentMetric = metric;
            }

            // Ties go to the lower neighbour index so the choice does not depend on arrival order.
            if (best < 0 || metric < bestMetric
                || (metric == bestMetric && route.Neighbour < destination.Routes[best].Neighbour))
            {
                best = i;
                bestMetric = metric;
            }
        }

        var fewerHops = best >= 0 && current >= 0 && destination.Routes![best].AdvertisedMetric == 0
            && destination.Routes[current].AdvertisedMetric != 0 && bestMetric < currentMetric;
        if (current >= 0 && bestMetric + policy.SwitchMargin >= currentMetric && !fewerHops)
        {
            return current;
        }

        return best;
    }

    /// <summary>
    /// Fills <paramref name="alternatives"/> with the neighbours of usable routes whose metric is within
    /// <see cref="MetricPolicy.EqualCostTolerance"/> of <paramref name="selectedMetric"/>, selected one excluded.
    /// Every feasible route is loop-free, so all of them may carry traffic.
    /// </summary>
    public void EqualCostAlternatives(int index, in Destination destination, ushort selectedMetric, List<ushort> alternatives)
    {
        alternatives.Clear();
        for (var i = 0; i < destination.RouteCount; i++)
        {
            ref readonly var route = ref destination.Routes![i];
            if (route.Neighbour == destination.Selected || !IsUsable(index, route))
            {
                continue;
            }

            if (Math.Abs(TotalMetric(route) - selectedMetric) <= policy.EqualCostTolerance)
            {
                alternatives.Add(route.Neighbour);
            }
        }
    }
}
