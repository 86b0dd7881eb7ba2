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
/// <para>Offloads (Linux): where the kernel accepts them, a long payload's Segment frames leave in one system call
/// (UDP_SEGMENT) and a run of datagrams from one peer arrives in one (UDP_GRO); both are probed at start, shown by
/// <see cref="SegmentationOffload"/> and <see cref="ReceiveCoalescing"/>, and a segmented send the kernel refuses later
/// turns segmentation off for good and goes datagram by datagram (<see cref="SegmentationFallbacks"/>).</para>
/// <para>Bounds: half-open XX handshakes are capped at <see cref="LinkOptions.MaxHalfOpen"/> (oldest forgotten)
/// and expire after the handshake timeout; a dial waits at most the handshake timeout. Dispose stops the reader
/// thread and ends every link on the socket.</para>
/// </summary>
public sealed class UdpLinkEndpoint : IDisposable
{
    /// <summary>How often (ms) the reader wakes up when idle to expire half-open handshakes: 1 s.</summary>
    private const int SweepIntervalMs = 1_000;

    /// <summary>Receive buffer, bytes: the longest run of coalesced datagrams the kernel hands over at once (64 KiB).</summary>
    private const int ReceiveBufferSize = 65_536;

    /// <summary>Kernel socket buffers, bytes (4 MiB each way): 64 full-size frames, about 13 ms at 2.5 Gbit/s, so a
    /// burst of segmented frames is not dropped while the reader opens the previous one (the kernel default, ~208 KB,
    /// holds three; each loss costs the whole frame and a TCP retransmit above).</summary>
    private const int SocketBufferBytes = 4 << 20;

    private readonly LinkEnvironment _env;
    private readonly Socket _socket;
    private readonly Thread _reader;
    private readonly ConcurrentDictionary<uint, Link> _byIndex = new();
    private readonly ConcurrentDictionary<uint, PendingDial> _dials = new();
    private readonly ConcurrentDictionary<PublicIdentity, UdpTransport> _transports = new();
    private readonly ConcurrentDictionary<UdpTransport, Link> _links = new();
    private readonly HalfOpenHandshakes _halfOpen;
    private readonly byte[] _receiveBuffer = new byte[ReceiveBufferSize];
    private readonly byte[] _replyBuffer = new byte[HandshakeLayout.XxResponseSize];
    private long _unknownIndex;
    private long _replyFailures;
    private long _malformed;
    private long _segmentationFallbacks;
    private long _segmentedSends;
    private int _disposed;
    private bool _segmentation;

    private UdpLinkEndpoint(LinkEnvironment env, Socket socket)
    {
        _env = env;
        _socket = socket;
        UdpNative.GrowBuffers(socket.SafeHandle, SocketBufferBytes);
        if (env.Options.UdpOffload)
        {
            _segmentation = UdpNative.ProbeSegmentation(socket.SafeHandle);
            ReceiveCoalescing = UdpNative.EnableCoalescing(socket.SafeHandle);
        }

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

    /// <summary>True while long payloads leave as one segmented send (UDP_SEGMENT) per up to 64 datagrams.</summary>
    public bool SegmentationOffload => Volatile.Read(ref _segmentation);

    /// <summary>True when the kernel coalesces received datagrams (UDP_GRO) for this socket.</summary>
    public bool ReceiveCoalescing { get; }

    /// <summary>Segmented sends the kernel refused after the start-up probe accepted UDP_SEGMENT (then off for good).</summary>
    public long SegmentationFallbacks => Volatile.Read(ref _segmentationFallbacks);

    /// <summary>Sends that left as several datagrams in one system call (UDP_SEGMENT): a long frame's Segment frames,
    /// or a run of equal frames a loaded link had queued.</summary>
    public long SegmentedSends => Volatile.Read(ref _segmentedSends);

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

    /// <summary>Sends one datagram, waiting for room in the socket; throws <see cref="SocketException"/> on a failure.</summary>
    internal void SendTo(ReadOnlySpan<byte> datagram, SocketAddress address)
    {
        var error = TrySendTo(datagram, address);
        if (error != 0)
        {
            throw new SocketException(error);
        }
    }

    /// <summary>Sends one datagram, waiting for room in the socket; the errno of a failure, else 0. For senders that
    /// expect failures (probes to candidates that may be unreachable) and should not pay for an exception each.</summary>
    internal int TrySendTo(ReadOnlySpan<byte> datagram, SocketAddress address) =>
        UdpNative.Send(_socket.SafeHandle, datagram, address, 0);

    /// <summary>
    /// Sends datagrams laid end to end, each <paramref name="datagramSize"/> bytes but the last: up to 64 in one
    /// segmented send where the kernel takes it, else one by one. Throws <see cref="SocketException"/> on a failure.
    /// </summary>
    internal void SendSegments(ReadOnlySpan<byte> datagrams, int datagramSize, SocketAddress address)
    {
        var perSend = Math.Min(UdpNative.MaxSegmentsPerSend, UdpNative.MaxBytesPerSend / datagramSize) * datagramSize;
        for (var offset = 0; offset < datagrams.Length; offset += perSend)
        {
            var run = datagrams.Slice(offset, Math.Min(perSend, datagrams.Length - offset));
            if (run.Length > datagramSize && Volatile.Read(ref _segmentation))
            {
                var error = UdpNative.Send(_socket.SafeHandle, run, address, datagramSize);
                if (error == 0)
                {
                    Interlocked.Increment(ref _segmentedSends);
                    continue;
                }

                if (!UdpNative.IsSegmentationRefusal(error))
                {
                    throw new SocketException(error);
                }

                // The probe said yes but the route's device cannot (EIO without checksum offload, EINVAL on some
                // IPv6 paths): segment no more on this socket, and send this run datagram by datagram.
                Volatile.Write(ref _segmentation, false);
                Interlocked.Increment(ref _segmentationFallbacks);
            }

            for (var start = 0; start < run.Length; start += datagramSize)
            {
                SendTo(run.Slice(start, Math.Min(datagramSize, run.Length - start)), address);
            }
        }
    }

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
        // The reader holds the descriptor for its whole life: Dispose closes the socket only after the reader let go.
        var handle = _socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            Read((int)handle.DangerousGetHandle());
        }
        catch (ObjectDisposedException)
        {
            // disposed before the reader started
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private void Read(int fd)
    {
        var from = new SocketAddress(_socket.AddressFamily);
        var lastSweep = _env.Clock.MonotonicMs;
        while (Volatile.Read(ref _disposed) == 0)
        {
            var length = UdpNative.Receive(fd, _receiveBuffer, from, SweepIntervalMs, out var segmentSize, out var truncated);
            if (truncated)
            {
                Interlocked.Increment(ref _malformed);
            }
            else if (length >= 0 && Volatile.Read(ref _disposed) == 0)
            {
                try
                {
                    DispatchRun(_receiveBuffer.AsSpan(0, length), segmentSize, from);
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

    /// <summary>One datagram, or a run of coalesced datagrams of <paramref name="segmentSize"/> bytes each (the last
    /// one shorter or equal), all from <paramref name="from"/>.</summary>
    private void DispatchRun(Span<byte> received, int segmentSize, SocketAddress from)
    {
        if (segmentSize <= 0 || segmentSize >= received.Length)
        {
            Dispatch(received, from);
            return;
        }

        for (var start = 0; start < received.Length; start += segmentSize)
        {
            Dispatch(received.Slice(start, Math.Min(segmentSize, received.Length - start)), from);
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
        var receiver = FrameHeader.ReceiverIndexOf(frame);
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
            Stats.Events.Increment(HandshakeEvent.Accepted);
        }

        var index = isInit ? _env.Indexes.Allocate() : FrameHeader.ReceiverIndexOf(frame);
        var result = _env.Responder.Receive(frame, index, _env.Clock.MonotonicMs, _replyBuffer);
        if (result.Status == HandshakeStatus.Rejected)
        {
            Stats.Refused.Increment(result.Error);
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
        Stats.Events.Increment(HandshakeEvent.Established);
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
