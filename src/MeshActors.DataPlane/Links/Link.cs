using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.IO;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// One established, authenticated link to a neighbour.
/// <para>Pipeline. Out: any thread → <see cref="TrySendData"/>/<see cref="SendControl"/> → bounded send ring → the
/// link's event loop ("meshactors-io-N", shared with other links) seals in place with the current
/// <see cref="LinkSession"/> and sends without blocking → transport; a small frame on a quiet link is sealed and sent
/// by its producer instead (<see cref="TrySendDirect"/>). In: the event loop (TCP) or the node's shared
/// "meshactors-udp-rx" thread → <see cref="ReceiveFrame"/> opens in place → Data payloads to the forwarder
/// (<see cref="ILinkDataSink"/>, no mailbox), Hello/Ihu/Control/KeepAlive into the link's bounded
/// <see cref="ControlInbox"/> for the actor that claimed it (<see cref="Claim"/>), handshake frames to the rekey logic.</para>
/// <para>Threads: none of its own. Its loop serves it (reads, sends, a maintenance tick per
/// <see cref="LinkOptions.MaintenanceIntervalMs"/>) until it closes — <see cref="Close"/> from any thread, a Close
/// frame or end of stream from the peer, a transport error — after which the loop releases every buffer and key and
/// <see cref="Closed"/> completes.</para>
/// <para>Rekey: when the current session asks for it (its initiator at <see cref="SessionLimits.RekeyAfterTimeMs"/>,
/// either side at <see cref="SessionLimits.RekeyAfterMessages"/>), the loop sends a pinned (IK) initiation on the
/// same transport; the new session becomes current when established (on the responder when it answers, on the
/// initiator when the response arrives). The replaced session stays open for frames still in flight until the next
/// rekey replaces it in turn (at most its reject age, 180 s).</para>
/// </summary>
public sealed partial class Link : ILoopClient
{
    /// <summary>Frames sent per service call, at most: a link with a full ring yields its loop to the others
    /// after this many (1,024 frames is one full default ring) and asks for service again.</summary>
    private const int MaxFramesPerService = 1024;

    private readonly LinkEnvironment _env;
    private readonly ILinkTransport _transport;
    private readonly PacketQueue _queue;
    private readonly EventLoop _loop;
    private readonly TaskCompletionSource<LinkClosedInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _rekeyLock = new();
    private readonly SegmentReassembly _segments = new();

    /// <summary>Reader thread only: the pool buffer the frame being received sits in, until its Data payload is
    /// passed on in it (<see cref="ReceiveFrame(PacketBuffer, int)"/>).</summary>
    private PacketBuffer? _receivedInto;

    /// <summary>The pool this link's buffers come from: a transport may assemble received frames in its buffers.</summary>
    internal BufferPool Pool => _env.Pool;

    /// <summary>Largest frame this link sends as it is; a longer payload goes as Segment frames of at most this many
    /// bytes (UDP links whose peer reassembles them), or is refused (TCP carries every frame whole).</summary>
    private readonly int _datagramSize;

    /// <summary>Largest frame this link carries, whole or in segments.</summary>
    private readonly int _maxFrame;

    /// <summary>Handshake frames sent on behalf of the reader (rekey replies): a reader-only scratch buffer.</summary>
    private readonly byte[] _readerScratch = new byte[BufferLayout.FrameOffset + HandshakeLayout.XxResponseSize];

    /// <summary>Rekey initiations started by the loop's tick: a loop-only scratch buffer.</summary>
    private readonly byte[] _writerScratch = new byte[BufferLayout.FrameOffset + HandshakeLayout.IkInitSize];

    private LinkSession _current;
    private LinkSession? _previous;
    private HandshakeInitiator? _rekey;
    private uint _rekeyIndex;
    private long _rekeyStartedMs;
    private LinkClosedInfo? _closeInfo;

    /// <summary>1 while a service request is queued on the loop (producers ask once, the loop clears it).</summary>
    private int _serviceRequested;

    /// <summary>1 once the link was claimed: the loop starts reading (TCP).</summary>
    private int _readRequested;

    // Loop thread only.
    private int _slot = -1;
    private bool _reading;
    private bool _watchingWrites;
    private bool _finished;
    private long _closingSinceMs = -1;

    /// <summary>
    /// A frame goes the direct path only after the link was quiet this long (0.5 ms): sparse traffic (pings,
    /// interactive packets) saves the loop's wake-up, while back-to-back frames keep the pipelining of a producer
    /// that queues and a loop that sends (without this rule a bulk producer sent everything itself: the message
    /// bus's 1 KiB chunks moved at 71–80 MiB/s, against 116–145 with it).
    /// </summary>
    private static readonly long DirectSendQuietTicks = Stopwatch.Frequency / 2000;

    /// <summary>1 while a thread seals and sends queued or direct frames: keeps frames in order across the two paths.</summary>
    private int _sendGate;

    /// <summary><see cref="Stopwatch.GetTimestamp"/> of the last frame sent, by either path.</summary>
    private long _lastSendTimestamp;

    internal Link(LinkEnvironment env, ILinkTransport transport, LinkSession session, bool isOutbound)
    {
        _env = env;
        _transport = transport;
        _current = session;
        Peer = session.Peer;
        IsOutbound = isOutbound;
        _queue = new PacketQueue(env.Options.SendRingCapacity);
        _loop = env.Loops.Take();
        Inbox = new ControlInbox(env.Options.ControlInboxCapacity, Stats);
        _datagramSize = transport.MaxFrameSize;
        _maxFrame = session.BothTakeSegments && env.Options.UdpSegments ? FrameLayout.MaxFrameSize : transport.MaxFrameSize;
        MaxInnerPacket = Math.Min(LinkOptions.MaxInnerPacketFor(_maxFrame), env.Pool.MaxPacket);
    }

    public PublicIdentity Peer { get; }

    public EndPoint RemoteEndPoint => _transport.RemoteEndPoint;

    /// <summary>"tcp" or "udp".</summary>
    public string Scheme => _transport.Scheme;

    /// <summary>True when this node dialled the link.</summary>
    public bool IsOutbound { get; }

    /// <summary>Largest inner IP packet a Data frame on this link carries (the path MTU this hop allows).</summary>
    public int MaxInnerPacket { get; }

    public LinkCipher Cipher => Volatile.Read(ref _current).Cipher;

    public LinkStats Stats { get; } = new();

    /// <summary>Completes once the link is closed and its loop has released it.</summary>
    public Task<LinkClosedInfo> Closed => _closed.Task;

    public bool IsClosing => Volatile.Read(ref _closeInfo) is not null;

    /// <summary>Where this link's Hello, Ihu, Control and KeepAlive frames wait for the actor that claimed it.</summary>
    public ControlInbox Inbox { get; }

    public LinkStatsSnapshot Snapshot() => Stats.Snapshot(_queue.Count, _queue.Capacity, Inbox.Count, Inbox.Capacity);

    /// <summary>
    /// Makes <paramref name="owner"/> the one receiver of this link's control frames and starts reading the stream
    /// (TCP: nothing is read before the claim, so the first frames wait in the kernel). Frames that came earlier
    /// (UDP) are already in the inbox, in order: the owner is woken at once. A link is claimed once.
    /// </summary>
    public void Claim(ILinkEvents owner)
    {
        Inbox.Claim(this, owner);
        if (_transport.HasOwnReader)
        {
            Volatile.Write(ref _readRequested, 1);
            RequestService();
        }
    }

    /// <summary>
    /// Queues a Data payload (<c>payload.Start</c> must be <see cref="BufferLayout.PayloadOffset"/>). Takes ownership
    /// of the buffer either way; false when it was dropped (ring full, link closing, audit refusal), which is counted.
    /// </summary>
    public bool TrySendData(PacketBuffer payload)
    {
        if (_env.Options.AuditEncryption && !payload.EndToEndSealed)
        {
            return Refuse(payload, LinkDrop.Unsealed);
        }

        if (payload.Start != BufferLayout.PayloadOffset || payload.Length > MaxInnerPacket + Protocol.Data.InnerLayout.Overhead)
        {
            return Refuse(payload, LinkDrop.Invalid);
        }

        // Header-only link sealing is safe only for a body already sealed end to end; anything else is sealed whole.
        payload.FrameType = payload.EndToEndSealed && !_env.Options.SealWholeDataFrames ? FrameType.EndToEndData : FrameType.Data;
        return Enqueue(payload);
    }

    /// <summary>Queues a Hello, Ihu, Control or KeepAlive frame with a copy of <paramref name="payload"/>.</summary>
    public bool SendControl(FrameType type, ReadOnlySpan<byte> payload)
    {
        if (type is not (FrameType.Hello or FrameType.Ihu or FrameType.Control or FrameType.KeepAlive)
            || !FrameCodec.IsValidPayloadLength(type, payload.Length)
            || payload.Length > _maxFrame - FrameLayout.TransportOverhead)
        {
            Stats.Drop(LinkDrop.Invalid);
            return false;
        }

        if (!_env.Pool.TryRent(out var buffer))
        {
            Stats.Drop(LinkDrop.PoolExhausted);
            return false;
        }

        payload.CopyTo(buffer.Array.AsSpan(BufferLayout.PayloadOffset));
        buffer.Set(BufferLayout.PayloadOffset, payload.Length);
        buffer.FrameType = type;
        return Enqueue(buffer);
    }

    /// <summary>Sends a Close frame carrying <paramref name="reason"/> after the frames already queued, then ends the link.</summary>
    public void Close(CloseReason reason = CloseReason.Shutdown)
    {
        if (Interlocked.CompareExchange(ref _closeInfo, new LinkClosedInfo(LinkCloseCause.Local, reason, "closed locally"), null) is null)
        {
            _queue.Complete();
            RequestService();
        }
    }

    public override string ToString() => $"Link({Scheme}://{RemoteEndPoint}, {Peer})";

    /// <summary>Hands the link to its event loop: maintenance starts; reading waits for <see cref="Claim"/>.</summary>
    internal void Start()
    {
        _transport.RegisterIndex(_current.LocalIndex, this);
        RequestService();
    }

    /// <summary>Ends the link because its transport ended or broke; safe from any thread, first cause wins.</summary>
    internal void Terminate(LinkCloseCause cause, string detail, CloseReason reason = CloseReason.Unspecified)
    {
        if (Interlocked.CompareExchange(ref _closeInfo, new LinkClosedInfo(cause, reason, detail), null) is null)
        {
            _queue.Complete();
            _transport.Shutdown();
            RequestService();
        }
    }

    /// <summary>Queues a handshake frame already laid out at <c>scratch[FrameOffset..]</c> (rekey), sent as it is.</summary>
    private void SendHandshakeFrame(byte[] scratch, int length)
    {
        if (!_env.Pool.TryRent(out var buffer))
        {
            Stats.Drop(LinkDrop.PoolExhausted);
            return;
        }

        scratch.AsSpan(BufferLayout.FrameOffset, length).CopyTo(buffer.Array.AsSpan(BufferLayout.FrameOffset));
        buffer.Set(BufferLayout.FrameOffset, length);
        buffer.SealedFrameLength = length;
        Enqueue(buffer);
    }

    private void RequestService()
    {
        if (Interlocked.Exchange(ref _serviceRequested, 1) == 0)
        {
            _loop.Request(this);
        }
    }

    private bool Enqueue(PacketBuffer buffer)
    {
        if (IsClosing)
        {
            return Refuse(buffer, LinkDrop.Closed);
        }

        if (buffer.Length <= DirectSendLimits.MaxFrame && !NeedsSegments(buffer) && _queue.Count == 0
            && Stopwatch.GetTimestamp() - Volatile.Read(ref _lastSendTimestamp) >= DirectSendQuietTicks && TrySendDirect(buffer))
        {
            return true;
        }

        if (_queue.TryEnqueue(buffer))
        {
            RequestService();
            return true;
        }

        Stats.Drop(_queue.IsCompleted ? LinkDrop.Closed : LinkDrop.RingFull);
        return false;
    }

    /// <summary>True when the buffer's payload does not fit one frame of this link's transport: it leaves as Segment frames.</summary>
    private bool NeedsSegments(PacketBuffer buffer) =>
        buffer.SealedFrameLength == 0 && buffer.Length + FrameLayout.TransportOverhead > _datagramSize;

    /// <summary>
    /// A small frame on a quiet link is sealed and sent by the thread that produced it (TUN reader, or the reader of
    /// the link it arrived on), saving the loop's wake-up. Only while the send gate is free and the ring empty, so
    /// frames leave in order; only when the transport can send without blocking, so a slow peer never stalls a
    /// producer. False when the frame must be queued instead (it may have been sealed meanwhile).
    /// </summary>
    private bool TrySendDirect(PacketBuffer buffer)
    {
        if (Interlocked.CompareExchange(ref _sendGate, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            if (_queue.Count != 0)
            {
                return false;
            }

            if (buffer.SealedFrameLength == 0 && !Seal(buffer))
            {
                buffer.Return();
                return true;
            }

            switch (_transport.TrySendNow(buffer.Array, buffer.SealedFrameLength))
            {
                case DirectSend.NotSent:
                    return false;
                case DirectSend.Started:
                    RequestService();
                    break;
            }

            Stats.SentDirect(buffer.SealedFrameLength);
            Volatile.Write(ref _lastSendTimestamp, Stopwatch.GetTimestamp());
            buffer.Return();
            return true;
        }
        finally
        {
            Volatile.Write(ref _sendGate, 0);
        }
    }

    /// <summary>Waits out a producer's direct send (never a blocking one) before the loop sends.</summary>
    private void AcquireSendGate()
    {
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _sendGate, 1, 0) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private bool Refuse(PacketBuffer buffer, LinkDrop reason)
    {
        Stats.Drop(reason);
        buffer.Return();
        return false;
    }

    void ILoopClient.OnService(EventLoop loop)
    {
        if (_finished)
        {
            return;
        }

        Volatile.Write(ref _serviceRequested, 0);
        if (_slot < 0)
        {
            _slot = loop.Attach(this);
        }

        if (!_reading && !IsClosing && Volatile.Read(ref _readRequested) != 0)
        {
            StartReading(loop);
        }

        var state = IsClosing && Volatile.Read(ref _closeInfo)!.Cause != LinkCloseCause.Local ? PumpState.Drained : Pump(loop);
        if (IsClosing)
        {
            _closingSinceMs = _closingSinceMs < 0 ? Environment.TickCount64 : _closingSinceMs;
            if (state == PumpState.Drained || Volatile.Read(ref _closeInfo)!.Cause != LinkCloseCause.Local)
            {
                Finish(loop);
                return;
            }
        }

        if (state == PumpState.Yielded)
        {
            RequestService();
        }

        var blocked = state == PumpState.Blocked;
        if (blocked != _watchingWrites)
        {
            WatchWrites(loop, blocked);
        }
    }

    void ILoopClient.OnReadable(EventLoop loop)
    {
        if (_finished || IsClosing)
        {
            return;
        }

        try
        {
            if (!_transport.Read(this, loop.ReceiveBuffer))
            {
                Terminate(LinkCloseCause.TransportFailed, "end of stream");
            }
        }
        catch (InvalidDataException e)
        {
            Terminate(LinkCloseCause.ProtocolViolation, e.Message);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            Terminate(LinkCloseCause.TransportFailed, e.Message);
        }
    }

    void ILoopClient.OnTick(EventLoop loop)
    {
        if (_finished)
        {
            return;
        }

        if (!IsClosing)
        {
            Maintain();
        }
        else if (_closingSinceMs >= 0 && Environment.TickCount64 - _closingSinceMs > _env.Options.HandshakeTimeoutMs)
        {
            // A peer that takes nothing more cannot hold a closing link forever: drop what is still queued.
            Finish(loop);
        }
    }

    /// <summary>
    /// Seals and sends queued frames until the ring is empty, the socket full, or the batch done. On a datagram
    /// transport with segmentation offload (<see cref="ILinkTransport.BatchesDatagrams"/>), consecutive frames of one
    /// size are laid end to end in the loop's scratch and leave in one segmented send (<see cref="DatagramRun"/>):
    /// a UDP link under load makes one system call per run of up to 64 datagrams instead of one per datagram.
    /// </summary>
    private PumpState Pump(EventLoop loop)
    {
        AcquireSendGate();
        // The buffer taken from the queue and not yet returned or kept by the transport: a send that throws must
        // give it back to the pool, or every failed send would shrink the pool for good.
        PacketBuffer? inHand = null;
        var run = new DatagramRun(loop.SegmentBuffer);
        var batching = _transport.BatchesDatagrams;
        try
        {
            if (!_transport.Flush())
            {
                return PumpState.Blocked;
            }

            for (var sent = 0; sent < MaxFramesPerService; sent++)
            {
                if (!_queue.TryDequeue(out var buffer))
                {
                    run.Send(_transport);
                    return PumpState.Drained;
                }

                inHand = buffer;
                if (NeedsSegments(buffer))
                {
                    run.Send(_transport);
                    SendSegments(buffer, loop.SegmentBuffer);
                    Volatile.Write(ref _lastSendTimestamp, Stopwatch.GetTimestamp());
                    inHand = null;
                    buffer.Return();
                    continue;
                }

                if (buffer.SealedFrameLength == 0 && !Seal(buffer))
                {
                    inHand = null;
                    buffer.Return();
                    continue;
                }

                var length = buffer.SealedFrameLength;
                if (batching)
                {
                    run.Add(buffer.Array.AsSpan(BufferLayout.FrameOffset, length), _transport);
                    inHand = null;
                    buffer.Return();
                    Stats.Sent(length);
                    Volatile.Write(ref _lastSendTimestamp, Stopwatch.GetTimestamp());
                    continue;
                }

                var whole = _transport.TrySend(buffer);
                inHand = null;
                Stats.Sent(length);
                Volatile.Write(ref _lastSendTimestamp, Stopwatch.GetTimestamp());
                if (!whole)
                {
                    return PumpState.Blocked; // the transport keeps the buffer until the rest is sent
                }

                buffer.Return();
            }

            run.Send(_transport);
            return _queue.Count == 0 ? PumpState.Drained : PumpState.Yielded;
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            inHand?.Return();
            Terminate(LinkCloseCause.TransportFailed, e.Message);
            return PumpState.Drained;
        }
        finally
        {
            Volatile.Write(ref _sendGate, 0);
        }
    }

    /// <summary>
    /// Loop thread: cuts the payload into pieces that each fit one datagram, seals each as a Segment frame with
    /// consecutive counters of one session into <paramref name="scratch"/>, and hands them to the transport in one
    /// call (one system call with UDP segmentation offload). Counted as one frame sent; refusals are counted.
    /// </summary>
    private void SendSegments(PacketBuffer buffer, byte[] scratch)
    {
        // Pieces are sealed whole: a header-only seal (type 10) would leave a piece's bytes unauthenticated per datagram.
        var type = buffer.FrameType == FrameType.EndToEndData ? FrameType.Data : buffer.FrameType;
        if (_maxFrame == _datagramSize)
        {
            Stats.Drop(LinkDrop.Invalid); // the peer does not reassemble segments: TrySendData refuses such payloads first
            return;
        }

        var length = SegmentWriter.Write(Volatile.Read(ref _current), type, buffer.Span, _datagramSize, scratch, out var frameSize, out var status);
        if (length == 0)
        {
            Stats.Drop(status == SealStatus.KeyExhausted ? LinkDrop.SessionExpired : LinkDrop.Invalid);
            return;
        }

        _transport.SendSegments(scratch.AsSpan(0, length), frameSize);
        Stats.Sent(length);
    }

    /// <summary>Seals the queued payload in place with the current session; false (counted) when it cannot be sent.
    /// The caller still owns the buffer either way.</summary>
    private bool Seal(PacketBuffer buffer)
    {
        var session = Volatile.Read(ref _current);
        var status = session.Seal(buffer.Array.AsSpan(BufferLayout.FrameOffset), buffer.FrameType, buffer.Length, out var frameLength);
        switch (status)
        {
            case SealStatus.Sealed or SealStatus.SealedRekeyDue:
                buffer.SealedFrameLength = frameLength;
                return true;
            case SealStatus.KeyExhausted:
                Stats.Drop(LinkDrop.SessionExpired);
                return false;
            default:
                Stats.Drop(LinkDrop.Invalid);
                return false;
        }
    }

    /// <summary>Loop thread, once: a Close frame for a local close (best effort), then every resource released.</summary>
    private void Finish(EventLoop loop)
    {
        _finished = true;
        var info = Volatile.Read(ref _closeInfo)!;

        // Held for good: a producer's direct send never meets released keys or a disposed socket.
        AcquireSendGate();
        if (info.Cause == LinkCloseCause.Local)
        {
            Guarded(() => SendClose(info.Reason));
        }

        lock (_rekeyLock)
        {
            if (_rekey is not null)
            {
                _rekey.Dispose();
                _rekey = null;
                _transport.UnregisterIndex(_rekeyIndex);
                _env.Indexes.Release(_rekeyIndex);
            }
        }

        Guarded(() => _transport.Release(loop));
        _segments.Release();
        if (_slot >= 0)
        {
            loop.Detach(_slot);
        }

        _env.Loops.Release(_loop);
        Release(Volatile.Read(ref _current));
        if (_previous is { } previous)
        {
            Release(previous);
        }

        _queue.Drain();
        _queue.Dispose();
        _closed.TrySetResult(info);
    }

    private void SendClose(CloseReason reason)
    {
        if (!_env.Pool.TryRent(out var buffer))
        {
            return;
        }

        ClosePayload.Write(buffer.Array.AsSpan(BufferLayout.PayloadOffset), reason);
        buffer.Set(BufferLayout.PayloadOffset, ClosePayload.Size);
        buffer.FrameType = FrameType.Close;
        if (!_transport.Flush() || !Seal(buffer) || _transport.TrySend(buffer))
        {
            buffer.Return();
        }
    }

    // These two lambdas live in methods of their own: in OnService, a lambda capturing `loop` made the compiler
    // allocate its closure on every service call, taken branch or not.
    private void StartReading(EventLoop loop)
    {
        _reading = true;
        Guarded(() => _transport.StartReading(this, loop, _slot));
    }

    private void WatchWrites(EventLoop loop, bool blocked)
    {
        _watchingWrites = blocked;
        Guarded(() => _transport.WatchWritable(loop, _slot, blocked));
    }

    /// <summary>Runs a transport call whose failure only means the link is gone.</summary>
    private void Guarded(Action call)
    {
        try
        {
            call();
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            Terminate(LinkCloseCause.TransportFailed, e.Message);
        }
    }

    private enum PumpState
    {
        Drained,
        Blocked,
        Yielded,
    }
}
