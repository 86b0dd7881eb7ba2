using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// Builds what this node tells its neighbours: advertisements of selected and local routes (recording each as
/// advertised, which is what moves feasibility distances), retractions of starved destinations, the triggered
/// batch and full dumps. Owns the node's own seqno.
/// </summary>
internal sealed class Advertiser(
    RouteTable routes, SourceTable sources, RouterIdTable ids, int self, UpdateScheduler scheduler, RoutingTimers timers, bool transit)
{
    private readonly long _routeExpiryMs = CoarseTime.Milliseconds(timers.RouteExpiry);
    private readonly long _sourceGcMs = CoarseTime.Milliseconds(timers.SourceGcTime);

    /// <summary>Sequence number of the prefixes this node originates.</summary>
    public ushort OwnSeqno { get; set; }

    /// <summary>The update this node advertises for a destination; records it as advertised (feasibility distance).</summary>
    public RouteUpdate Advertise(int index, ref Destination destination, long nowMs)
    {
        destination.Dirty = false;
        if (destination.IsLocal)
        {
            destination.AdvertisedOriginator = self;
            destination.LastOriginator = self;
            destination.AdvertisedSeqno = OwnSeqno;
            destination.AdvertisedMetric = 0;
            return new RouteUpdate(destination.Prefix, OwnSeqno, 0, ids[self]);
        }

        ref readonly var route = ref destination.Routes![destination.FindRoute(destination.Selected)];
        var metric = destination.SelectedMetric;
        sources.OnAdvertised(index, route.Originator, route.Seqno, metric, CoarseTime.FromMilliseconds(nowMs + _sourceGcMs));
        destination.AdvertisedOriginator = route.Originator;
        destination.AdvertisedSeqno = route.Seqno;
        destination.AdvertisedMetric = metric;
        return new RouteUpdate(destination.Prefix, route.Seqno, metric, ids[route.Originator]);
    }

    /// <summary>Whether this node tells its neighbours about <paramref name="destination"/>: its own prefixes always,
    /// a selected route to another's only when it carries transit traffic.</summary>
    public bool Advertises(in Destination destination) => destination.IsLocal || (transit && destination.HasSelection);

    /// <summary>Marks a starved destination retracted; dumps repeat the retraction for one route-expiry time.</summary>
    private RouteUpdate Retract(ref Destination destination, long nowMs)
    {
        destination.Dirty = false;
        destination.AdvertisedOriginator = Destination.NotAdvertised;
        destination.RetractedUntil = CoarseTime.FromMilliseconds(nowMs + _routeExpiryMs);
        return RetractionOf(destination);
    }

    private RouteUpdate RetractionOf(in Destination destination) =>
        new(destination.Prefix, destination.AdvertisedSeqno, RouteMetric.Infinity, ids[destination.LastOriginator]);

    /// <summary>The triggered batch: current advertisements and retractions of every dirty destination.</summary>
    public List<RouteUpdate> FlushTriggered(long nowMs)
    {
        var batch = new List<RouteUpdate>(scheduler.Dirty.Count);
        foreach (var index in scheduler.Dirty)
        {
            ref var destination = ref routes.At(index);
            if (Advertises(destination))
            {
                batch.Add(Advertise(index, ref destination, nowMs));
            }
            else if (destination.AdvertisedOriginator != Destination.NotAdvertised)
            {
                batch.Add(Retract(ref destination, nowMs));
            }
            else
            {
                destination.Dirty = false;
            }
        }

        scheduler.ClearDirty();
        return batch;
    }

    /// <summary>Turns queued retractions into repeated ones and empties the triggered batch ahead of a full dump.</summary>
    public void FoldTriggeredIntoDump(long nowMs)
    {
        foreach (var index in scheduler.Dirty)
        {
            ref var destination = ref routes.At(index);
            if (!Advertises(destination) && destination.AdvertisedOriginator != Destination.NotAdvertised)
            {
                Retract(ref destination, nowMs);
            }

            destination.Dirty = false;
        }

        scheduler.ClearDirty();
    }

    /// <summary>
    /// Every route this node currently advertises (its own prefixes and all selected routes) plus the retractions
    /// still being repeated.
    /// </summary>
    public List<RouteUpdate> CollectAdvertisements(long nowMs)
    {
        var now = CoarseTime.FromMilliseconds(nowMs);
        var updates = new List<RouteUpdate>(routes.Count);
        for (var d = 0; d < routes.Count; d++)
        {
            ref var destination = ref routes.At(d);
            if (Advertises(destination))
            {
                updates.Add(Advertise(d, ref destination, nowMs));
            }
            else if (destination.RetractedUntil > now && destination.LastOriginator != Destination.NotAdvertised)
            {
                updates.Add(RetractionOf(destination));
            }
        }

        return updates;
    }
}
