namespace MeshActors.DataPlane.Forwarding;

/// <summary>Counters of one forwarder, written with Interlocked by its loops and the link readers.</summary>
public sealed class ForwarderCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<ForwardDrop>().Length];
    private long _originated;
    private long _relayed;
    private long _delivered;
    private long _messages;
    private long _icmp;
    private long _notices;

    public long Drops(ForwardDrop reason) => Volatile.Read(ref _drops[(int)reason]);

    /// <summary>Packets from our TUN (or message chunks) sealed and handed to a link.</summary>
    public long Originated => Volatile.Read(ref _originated);

    /// <summary>Data payloads passed on to the next hop without being opened.</summary>
    public long Relayed => Volatile.Read(ref _relayed);

    /// <summary>Packets opened and written to our TUN device.</summary>
    public long DeliveredToTun => Volatile.Read(ref _delivered);

    public long DeliveredMessages => Volatile.Read(ref _messages);

    /// <summary>ICMP errors written back into our TUN.</summary>
    public long IcmpGenerated => Volatile.Read(ref _icmp);

    /// <summary>Hop-limit notices this node (as a relay) sent to the origins of expired payloads.</summary>
    public long HopLimitNotices => Volatile.Read(ref _notices);

    public IReadOnlyDictionary<ForwardDrop, long> DropSnapshot()
    {
        var snapshot = new Dictionary<ForwardDrop, long>();
        foreach (var reason in Enum.GetValues<ForwardDrop>())
        {
            if (Drops(reason) is var count and not 0)
            {
                snapshot[reason] = count;
            }
        }

        return snapshot;
    }

    internal void Drop(ForwardDrop reason) => Interlocked.Increment(ref _drops[(int)reason]);

    internal void CountOriginated() => Interlocked.Increment(ref _originated);

    internal void CountRelayed() => Interlocked.Increment(ref _relayed);

    internal void CountDelivered() => Interlocked.Increment(ref _delivered);

    internal void CountMessage() => Interlocked.Increment(ref _messages);

    internal void CountIcmp() => Interlocked.Increment(ref _icmp);

    internal void CountNotice() => Interlocked.Increment(ref _notices);
}
