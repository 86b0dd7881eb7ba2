namespace MeshActors.Routing;

/// <summary>
/// A route learned from one neighbour for one destination (the destination is implicit: entries live in their
/// destination's array). 16 bytes. The metric is the neighbour's advertised metric; the link cost is added on
/// use, so a cost change needs no rewrite of entries.
/// </summary>
internal struct RouteEntry
{
    public int Originator;
    public ushort Neighbour;
    public ushort AdvertisedMetric;
    public ushort Seqno;
    public int ExpiresAt;
}
