using MeshActors.Crypto.Handshake;

namespace MeshActors.DataPlane.Transports;

/// <summary>Counters of a listener or UDP endpoint's inbound handshakes, written with Interlocked.</summary>
public sealed class ListenerStats
{
    private readonly long[] _refused = new long[Enum.GetValues<HandshakeError>().Length];
    private long _accepted;
    private long _established;
    private long _timedOut;
    private long _overCapacity;
    private long _transportFailed;

    /// <summary>Connections accepted (TCP) or initiations received (UDP).</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    public long Established => Volatile.Read(ref _established);

    /// <summary>Connections that did not complete the handshake in time.</summary>
    public long TimedOut => Volatile.Read(ref _timedOut);

    /// <summary>Connections closed at once because too many handshakes were already running.</summary>
    public long OverCapacity => Volatile.Read(ref _overCapacity);

    /// <summary>Connections that ended or failed during the handshake.</summary>
    public long TransportFailed => Volatile.Read(ref _transportFailed);

    /// <summary>Handshakes refused for <paramref name="error"/>; <see cref="HandshakeError.Malformed"/> counts garbage.</summary>
    public long Refused(HandshakeError error) => Volatile.Read(ref _refused[(int)error]);

    public long RefusedTotal
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _refused.Length; i++)
            {
                total += Volatile.Read(ref _refused[i]);
            }

            return total;
        }
    }

    internal void CountAccepted() => Interlocked.Increment(ref _accepted);

    internal void CountEstablished() => Interlocked.Increment(ref _established);

    internal void CountTimedOut() => Interlocked.Increment(ref _timedOut);

    internal void CountOverCapacity() => Interlocked.Increment(ref _overCapacity);

    internal void CountTransportFailed() => Interlocked.Increment(ref _transportFailed);

    internal void CountRefused(HandshakeError error) => Interlocked.Increment(ref _refused[(int)error]);
}
