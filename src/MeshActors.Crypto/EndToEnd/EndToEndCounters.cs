namespace MeshActors.Crypto.EndToEnd;

/// <summary>Counters of one node's end-to-end layer, updated with Interlocked from the data-plane threads.</summary>
public sealed class EndToEndCounters
{
    private readonly long[] _opens = new long[Enum.GetValues<EndToEndStatus>().Length];
    private long _sealed;
    private long _created;
    private long _evicted;

    public long Sealed => Volatile.Read(ref _sealed);

    /// <summary>Payloads that opened.</summary>
    public long Opened => Of(EndToEndStatus.Opened);

    /// <summary>Every open attempt, whatever its outcome: zero on a pure relay.</summary>
    public long OpenAttempts
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _opens.Length; i++)
            {
                total += Volatile.Read(ref _opens[i]);
            }

            return total;
        }
    }

    public long SessionsCreated => Volatile.Read(ref _created);

    public long SessionsEvicted => Volatile.Read(ref _evicted);

    public long Of(EndToEndStatus status) => Volatile.Read(ref _opens[(int)status]);

    internal void CountOpen(EndToEndStatus status) => Interlocked.Increment(ref _opens[(int)status]);

    internal void CountSealed() => Interlocked.Increment(ref _sealed);

    internal void CountCreated() => Interlocked.Increment(ref _created);

    internal void CountEvicted() => Interlocked.Increment(ref _evicted);
}
