using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// One UDP socket shared by all UDP links of a node (one frame per datagram, no prefix).
/// <para>Pipeline: the endpoint's reader thread "meshactors-udp-rx" receives a datagram into its own buffer and
/// demultiplexes it by the header's receiver index: transport frames and rekey responses go to the link registered
/// under that index (<see cref="Link"/> opens them in place on this thread); initiations (index 0) and XX finishes
/// go to the node's one handshake responder; responses to our own dials complete the pending
/// <see cref="ConnectAsync"/>. Sends come from each link's event loop (or a producer's direct send) straight to the socket (datagram sends
/// are atomic and thread safe).</para>
/// <para>Bounds: half-open XX handshakes are capped at <see cref="LinkOptions.MaxHalfOpen"/> (oldest forgotten)
/// and expire after the handshake timeout; a dial waits at most the handshake timeout. Dispose stops the reader
/// thread and ends every link on the socket.</para>
/// </summary>
public sealed class UdpLinkEndpoint : IDisposable
{
    /// <summary>How often (ms) the reader wakes up when idle to expire half-open handshakes: 1 s.</summary>
    private const int SweepIntervalMs = 1_000;

    private readonly LinkEnvironment _env;
    private readonly Socket _socket;
    private readonly Thread _reader;
    private readonly ConcurrentDictionary<uint, Link> _byIndex = new();
    private readonly ConcurrentDictionary<uint, PendingDial> _dials = new();
    private readonly ConcurrentDictionary<PublicIdentity, UdpTransport> _transports = new();
    private readonly ConcurrentDictionary<UdpTransport, Link> _links = new();
    private readonly HalfOpenHandshakes _halfOpen;
    private readonly byte[] _receiveBuffer = new byte[FrameLayout.MaxFrameSize + 1];
    private readonly byte[] _replyBuffer = new byte[HandshakeLayout.XxResponseSize];
    private long _unknownIndex;
    private long _replyFailures;
    private long _malformed;
    private int _disposed;

    private UdpLinkEndpoint(LinkEnvironment env, Socket socket)
    {
        _env = env;
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        MaxFrameSize = env.Options.UdpMaxFrameSize;
        _halfOpen = new HalfOpenHandshakes(env, Stats);
        Probes = new UdpProbes(this, env.Clock);
        _reader = new Thread(ReaderLoop) { Name = "meshactors-udp-rx", IsBackground = true };
        _reader.Start();
    }

    /// <summary>Raised on a thread-pool thread for each new inbound link, already started.</summary>
    public event Action<Link>? InboundLink;

    public IPEndPoint LocalEndPoint { get; }

    public int MaxFrameSize { get; }

    public ListenerStats Stats { get; } = new();

    /// <summary>Hole-punching probes sent and received on this socket (kept apart from the link path).</summary>
    public UdpProbes Probes { get; }

    /// <summary>Datagrams naming a session index nobody holds.</summary>
    public long UnknownIndex => Volatile.Read(ref _unknownIndex);

    /// <summary>Handshake replies the socket refused to send (the datagram is dropped; the reader goes on).</summary>
    public long ReplyFailures => Volatile.Read(ref _replyFailures);

    /// <summary>Datagrams too short or too long to be a frame.</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    /// <summary>Links currently using this socket.</summary>
    public int LinkCount => _links.Count;

    public static UdpLinkEndpoint Bind(LinkEnvironment env, IPEndPoint endPoint, Action<Link>? onInbound = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.ReceiveTimeout = SweepIntervalMs;
            socket.Bind(endPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var endpoint = new UdpLinkEndpoint(env, socket);
        if (onInbound is not null)
        {
            endpoint.InboundLink += onInbound;
        }

        return endpoint;
    }

    /// <summary>Dials <paramref name="remote"/> over this socket: IK when <paramref name="pinned"/>, else XX.</summary>
    public async Task<Link> ConnectAsync(IPEndPoint remote, PublicIdentity? pinned, CancellationToken ct)
    {
        var address = ToSocketAddress(remote);
        var index = _env.Indexes.Allocate();
        var dial = new PendingDial(new HandshakeInitiator(_env.Handshake, pinned, index), index, address, remote);
        _dials[index] = dial;
        try
        {
            var initiation = new byte[dial.Initiator.InitiationSize];
            dial.Initiator.WriteInitiation((ulong)_env.Clock.UnixMs, initiation);
            SendTo(initiation, address);
            return await dial.Completion.Task.WaitAsync(TimeSpan.FromMilliseconds(_env.Options.HandshakeTimeoutMs), ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new LinkHandshakeException(HandshakeError.None, $"udp://{remote}: no handshake within {_env.Options.HandshakeTimeoutMs} ms", e);
        }
        finally
        {
            // Whoever removes the dial owns its initiator and index: here when it is still pending (timeout,
            // cancellation), else the reader thread, which completes it.
            if (_dials.TryRemove(index, out _))
            {
                dial.Initiator.Dispose();
                _env.Indexes.Release(index);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        WakeReader();
        _socket.Dispose();
        if (Thread.CurrentThread != _reader)
        {
            _reader.Join();
        }

        foreach (var link in _links.Values)
        {
            link.Terminate(LinkCloseCause.TransportFailed, "UDP endpoint closed");
        }
    }

    /// <summary>True when this socket can send to <paramref name="remote"/>: same family, or IPv4 through a dual-mode IPv6 socket.</summary>
    public bool CanReach(IPEndPoint remote) =>
        remote.AddressFamily == _socket.AddressFamily || (_socket.AddressFamily == AddressFamily.InterNetworkV6 && _socket.DualMode);

    internal void SendTo(ReadOnlySpan<byte> datagram, SocketAddress address) => _socket.SendTo(datagram, SocketFlags.None, address);

    internal void Register(uint index, Link link) => _byIndex[index] = link;

    internal void Unregister(uint index) => _byIndex.TryRemove(index, out _);

    internal void Detach(UdpTransport transport)
    {
        _links.TryRemove(transport, out _);
        foreach (var entry in _transports)
        {
            if (ReferenceEquals(entry.Value, transport))
            {
                _transports.TryRemove(entry);
            }
        }
    }

    private void ReaderLoop()
    {
        var from = new SocketAddress(_socket.AddressFamily);
        var lastSweep = _env.Clock.MonotonicMs;
        while (Volatile.Read(ref _disposed) == 0)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(_receiveBuffer, SocketFlags.None, from);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.ConnectionReset)
            {
                length = -1;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            if (length >= 0 && Volatile.Read(ref _disposed) == 0)
            {
                try
                {
                    Dispatch(_receiveBuffer.AsSpan(0, length), from);
                }
                catch (ObjectDisposedException)
                {
                    return; // disposed while answering a datagram: the endpoint is going away
                }
                catch (SocketException)
                {
                    // A handshake reply the kernel refuses (say, to a forged source address it cannot route) is
                    // dropped and counted; it must not end the one thread that reads this socket.
                    Interlocked.Increment(ref _replyFailures);
                }
            }

            var now = _env.Clock.MonotonicMs;
            if (now - lastSweep >= SweepIntervalMs)
            {
                lastSweep = now;
                _halfOpen.Expire(now);
            }
        }
    }

    private void Dispatch(Span<byte> frame, SocketAddress from)
    {
        if (frame.Length < FrameLayout.HeaderSize || frame.Length > FrameLayout.MaxFrameSize)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        var type = (FrameType)frame[1];
        var receiver = BinaryPrimitives.ReadUInt32BigEndian(frame[4..]);
        if (type == FrameType.Probe)
        {
            Probes.Receive(frame, from);
            return;
        }

        if (type == FrameType.HandshakeInit || type == FrameType.HandshakeFinish)
        {
            Respond(frame, from, type);
            return;
        }

        if (type == FrameType.HandshakeResponse && _dials.TryRemove(receiver, out var dial))
        {
            CompleteDial(dial, frame);
            return;
        }

        if (_byIndex.TryGetValue(receiver, out var link))
        {
            link.ReceiveFrame(frame, from);
            return;
        }

        Interlocked.Increment(ref _unknownIndex);
    }

    private void Respond(Span<byte> frame, SocketAddress from, FrameType type)
    {
        var isInit = type == FrameType.HandshakeInit;
        if (isInit)
        {
            Stats.CountAccepted();
        }

        var index = isInit ? _env.Indexes.Allocate() : BinaryPrimitives.ReadUInt32BigEndian(frame[4..]);
        var result = _env.Responder.Receive(frame, index, _env.Clock.MonotonicMs, _replyBuffer);
        if (result.Status == HandshakeStatus.Rejected)
        {
            Stats.CountRefused(result.Error);
            if (isInit)
            {
                _env.Indexes.Release(index);
            }
            else
            {
                _halfOpen.Finished(index);
            }

            return;
        }

        if (result.ReplyLength > 0)
        {
            SendTo(_replyBuffer.AsSpan(0, result.ReplyLength), from);
        }

        if (result.Session is not { } session)
        {
            _halfOpen.Track(index);
            return;
        }

        if (!isInit)
        {
            _halfOpen.Established(index);
        }

        if (_transports.TryGetValue(session.Peer, out var existing) && existing.PeerAddress.Equals(from) && _links.TryGetValue(existing, out var known))
        {
            known.AdoptRekeyedSession(session);
            return;
        }

        var link = StartLink(session, CloneAddress(from), isOutbound: false);
        Stats.CountEstablished();
        ThreadPool.QueueUserWorkItem(static state => state.Endpoint.InboundLink?.Invoke(state.Link), (Endpoint: this, Link: link), preferLocal: false);
    }

    private void CompleteDial(PendingDial dial, Span<byte> frame)
    {
        var result = dial.Initiator.Receive(frame, _env.Clock.MonotonicMs, _replyBuffer);
        dial.Initiator.Dispose();
        if (result.Session is not { } session)
        {
            _env.Indexes.Release(dial.Index);
            dial.Completion.TrySetException(new LinkHandshakeException(result.Error, $"udp://{dial.Remote}: handshake refused: {result.Error}"));
            return;
        }

        if (result.ReplyLength > 0)
        {
            SendTo(_replyBuffer.AsSpan(0, result.ReplyLength), dial.Address);
        }

        var link = StartLink(session, dial.Address, isOutbound: true);
        if (!dial.Completion.TrySetResult(link))
        {
            // The dialler gave up a moment ago: nobody will own this link.
            link.Close(CloseReason.Shutdown);
        }
    }

    private Link StartLink(Crypto.Session.LinkSession session, SocketAddress address, bool isOutbound)
    {
        var template = new IPEndPoint(address.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var remote = (IPEndPoint)template.Create(address);
        var transport = new UdpTransport(this, address, remote);
        var link = new Link(_env, transport, session, isOutbound);
        _links[transport] = link;
        _transports[session.Peer] = transport;
        link.Start();
        return link;
    }

    /// <summary>
    /// A blocked receive does not return when its socket is closed on Linux (only at the receive timeout), so the
    /// endpoint sends itself an empty datagram; the reader sees the disposed flag and ends at once.
    /// </summary>
    private void WakeReader()
    {
        var self = LocalEndPoint.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, LocalEndPoint.Port)
            : LocalEndPoint.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, LocalEndPoint.Port)
            : LocalEndPoint;
        try
        {
            _socket.SendTo([], self);
        }
        catch (SocketException)
        {
            // The receive timeout still ends the reader within a second.
        }
    }

    internal SocketAddress ToSocketAddress(IPEndPoint remote)
    {
        var target = _socket.AddressFamily == AddressFamily.InterNetworkV6 && remote.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(remote.Address.MapToIPv6(), remote.Port)
            : remote;
        return target.Serialize();
    }

    internal static SocketAddress CloneAddress(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    private sealed class PendingDial(HandshakeInitiator initiator, uint index, SocketAddress address, IPEndPoint remote)
    {
        public HandshakeInitiator Initiator { get; } = initiator;

        public uint Index { get; } = index;

        public SocketAddress Address { get; } = address;

        public IPEndPoint Remote { get; } = remote;

        public TaskCompletionSource<Link> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
