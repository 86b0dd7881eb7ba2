using System.Net;
using MeshActors.Protocol.Counting;

namespace MeshActors.Node.Socks;

/// <summary>What a SOCKS session did (one counter each), apart from refusals.</summary>
public enum SocksEvent
{
    /// <summary>Connections accepted on the listen socket.</summary>
    Accepted,

    /// <summary>Requests answered "succeeded": the target is connected and the relay runs.</summary>
    Connected,

    /// <summary>Bytes relayed from clients to their targets.</summary>
    BytesToTarget,

    /// <summary>Bytes relayed from targets back to their clients.</summary>
    BytesFromTarget,
}

/// <summary>Why the gateway refused a connection or request; each answered with the SOCKS reply code named.</summary>
public enum SocksRefusal
{
    /// <summary>The first byte was not 5 (answered with method 0xFF, "none acceptable").</summary>
    BadVersion,

    /// <summary>The greeting did not offer "no authentication" (method 0xFF).</summary>
    NoAcceptableMethod,

    /// <summary>A greeting or request no client sends (method 0xFF or reply 0x01).</summary>
    Malformed,

    /// <summary>The client did not send its greeting and request within socks.handshake-timeout (closed).</summary>
    HandshakeTimeout,

    /// <summary>The client closed before its request was whole (nothing to answer).</summary>
    Abandoned,

    /// <summary>BIND or UDP ASSOCIATE or an unknown command (0x07).</summary>
    UnsupportedCommand,

    /// <summary>An address type other than IPv4, domain name and IPv6 (0x08).</summary>
    UnsupportedAddressType,

    /// <summary>NAME.DOMAIN that no node owns (0x04).</summary>
    UnknownName,

    /// <summary>The system resolver found no address for a name outside the mesh (0x04).</summary>
    ResolveFailed,

    /// <summary>The target refused the connection (0x05).</summary>
    ConnectionRefused,

    /// <summary>No route to the target's host (0x04).</summary>
    HostUnreachable,

    /// <summary>No route to the target's network (0x03).</summary>
    NetworkUnreachable,

    /// <summary>Resolving and connecting took longer than socks.connect-timeout (0x04).</summary>
    ConnectTimeout,

    /// <summary>Any other socket error while connecting (0x01).</summary>
    ConnectFailed,

    /// <summary>socks.max-sessions connections were already served (0x01, or closed past the refusal slots).</summary>
    SessionLimit,
}

/// <summary>
/// The gateway's counters and where it listens, shared with <c>/metrics</c> and <c>GET /api/v1/socks</c>; exists
/// whether or not the gateway runs (<see cref="Listen"/> is null when it does not). Any thread may read.
/// </summary>
public sealed class SocksStats(int maxSessions)
{
    private IPEndPoint? _listen;
    private int _sessions;

    public CounterSet<SocksEvent> Events { get; } = new();

    public CounterSet<SocksRefusal> Refusals { get; } = new();

    public int MaxSessions { get; } = maxSessions;

    /// <summary>The bound endpoint while the gateway runs (the real port when the config asked for port 0), else null.</summary>
    public IPEndPoint? Listen
    {
        get => Volatile.Read(ref _listen);
        internal set => Volatile.Write(ref _listen, value);
    }

    /// <summary>Connections being served now, handshakes included.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>Takes a session slot; false (and no slot) when <see cref="MaxSessions"/> are taken.</summary>
    internal bool TryEnter()
    {
        if (Interlocked.Increment(ref _sessions) <= MaxSessions)
        {
            return true;
        }

        Interlocked.Decrement(ref _sessions);
        return false;
    }

    internal void Leave() => Interlocked.Decrement(ref _sessions);
}
