using MeshActors.Protocol.Counting;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// Counters of one link, added to by its reader, its event loop and producers sending directly, read as a
/// <see cref="LinkStatsSnapshot"/> by the actor layer.
/// </summary>
public sealed class LinkStats
{
    public CounterSet<LinkDrop> Drops { get; } = new();

    public CounterSet<LinkTraffic> Traffic { get; } = new();

    internal void Drop(LinkDrop reason) => Drops.Increment(reason);

    internal void Received(int bytes)
    {
        Traffic.Increment(LinkTraffic.FramesIn);
        Traffic.Add(LinkTraffic.BytesIn, bytes);
    }

    internal void Sent(int bytes)
    {
        Traffic.Increment(LinkTraffic.FramesOut);
        Traffic.Add(LinkTraffic.BytesOut, bytes);
    }

    internal void SentDirect(int bytes)
    {
        Traffic.Increment(LinkTraffic.FramesOutDirect);
        Sent(bytes);
    }

    internal void Rekeyed() => Traffic.Increment(LinkTraffic.Rekeys);

    public LinkStatsSnapshot Snapshot(int ringFill, int ringCapacity, int inboxFill, int inboxCapacity) => new(
        Traffic[LinkTraffic.BytesIn],
        Traffic[LinkTraffic.BytesOut],
        Traffic[LinkTraffic.FramesIn],
        Traffic[LinkTraffic.FramesOut],
        Traffic[LinkTraffic.FramesOutDirect],
        Traffic[LinkTraffic.Rekeys],
        ringFill,
        ringCapacity,
        inboxFill,
        inboxCapacity,
        Drops.NonZero());
}

/// <summary>A point-in-time copy of a link's counters for the actor layer (allocated per call, not per packet).</summary>
public sealed record LinkStatsSnapshot(
    long BytesIn,
    long BytesOut,
    long FramesIn,
    long FramesOut,
    long FramesOutDirect,
    long Rekeys,
    int RingFill,
    int RingCapacity,
    int InboxFill,
    int InboxCapacity,
    IReadOnlyDictionary<LinkDrop, long> Drops);
