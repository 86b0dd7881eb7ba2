using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// Per-prefix routing state: the routes learned from neighbours, which one is selected, and what this node last
/// advertised for the prefix (to decide whether a change is worth a triggered update).
/// </summary>
internal struct Destination
{
    /// <summary><see cref="AdvertisedOriginator"/> value when nothing (or a retraction) was last advertised.</summary>
    public const int NotAdvertised = -1;

    public RoutePrefix Prefix;
    public RouteEntry[]? Routes;
    public int RouteCount;

    /// <summary>Neighbour index of the selected route, or <see cref="NeighbourTable.None"/>.</summary>
    public ushort Selected;

    /// <summary>Total metric of the selected route when it was last selected or re-evaluated.</summary>
    public ushort SelectedMetric;

    /// <summary>Originated by this node: advertised with metric 0 and never routed elsewhere.</summary>
    public bool IsLocal;

    /// <summary>Queued in the triggered-update batch.</summary>
    public bool Dirty;

    public int AdvertisedOriginator;
    public ushort AdvertisedSeqno;
    public ushort AdvertisedMetric;

    /// <summary>
    /// Until when (coarse time) full dumps repeat the retraction of this starved destination, so a neighbour that
    /// lost the triggered retraction drops its stale route within one update interval instead of at expiry.
    /// </summary>
    public int RetractedUntil;

    /// <summary>Originator of the most recently selected route; whom to ask for a new seqno when starving.</summary>
    public int LastOriginator;

    public readonly bool HasSelection => Selected != NeighbourTable.None;

    public readonly int FindRoute(ushort neighbour)
    {
        for (var i = 0; i < RouteCount; i++)
        {
            if (Routes![i].Neighbour == neighbour)
            {
                return i;
            }
        }

        return -1;
    }
}
