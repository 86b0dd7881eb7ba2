namespace MeshActors.DataPlane.Links;

/// <summary>
/// Counters of one link, written with Interlocked by its reader, its event loop and producers sending directly, read as a
/// <see cref="LinkStatsSnapshot"/> by the actor layer.
/// </summary>
public sealed class LinkStats
{
    private readonly long[] _drops = new long[Enum.GetValues<LinkDrop>().Length];
    private long _bytesIn;
    private long _bytesOut;
    private long _framesIn;
    private long _framesOut;
    private long _framesOutDirect;
    private long _rekeys;

    public long Drops(LinkDrop reason) => Volatile.Read(ref _drops[(int)reason]);

    public long FramesIn => Volatile.Read(ref _framesIn);

    public long FramesOut => Volatile.Read(ref _framesOut);

    /// <summary>Of <see cref="FramesOut"/>, the frames sent by the thread that produced them, without the event loop.</summary>
    public long FramesOutDirect => Volatile.Read(ref _framesOutDirect);

    public long BytesIn => Volatile.Read(ref _bytesIn);

    public long BytesOut => Volatile.Read(ref _bytesOut);

    /// <summary>Sessions replaced by a completed rekey.</summary>
    public long Rekeys => Volatile.Read(ref _rekeys);

    internal void Drop(LinkDrop reason) => Interlocked.Increment(ref _drops[(int)reason]);

    internal void Received(int bytes)
    {
        Interlocked.Increment(ref _framesIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    internal void Sent(int bytes)
    {
        Interlocked.Increment(ref _framesOut);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    internal void SentDirect(int bytes)
    {
        Interlocked.Increment(ref _framesOutDirect);
        Sent(bytes);
    }

    internal void Rekeyed() => Interlocked.Increment(ref _rekeys);

    public LinkStatsSnapshot Snapshot(int ringFill, int ringCapacity, int inboxFill, int inboxCapacity)
    {
        var drops = new Dictionary<LinkDrop, long>();
        foreach (var reason in Enum.GetValues<LinkDrop>())
        {
            var count = Drops(reason);
            if (count != 0)
            {
                drops[reason] = count;
            }
        }

        return new LinkStatsSnapshot(BytesIn, BytesOut, FramesIn, FramesOut, FramesOutDirect, Rekeys, ringFill, ringCapacity, inboxFill, inboxCapacity, drops);
    }
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
