using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.DataPlane.Buffers;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// One established, authenticated link to a neighbour.
/// <para>Pipeline. Out: any thread → <see cref="TrySendData"/>/<see cref="SendControl"/> → bounded send ring →
/// writer thread "meshactors-link-tx" seals in place with the current <see cref="LinkSession"/> → transport. In:
/// the reader ("meshactors-tcp-rx" thread of this link, or the node's shared "meshactors-udp-rx" thread) →
/// <see cref="ReceiveFrame"/> opens in place → Data payloads to the forwarder (<see cref="ILinkDataSink"/>, no
/// mailbox), Hello/Ihu/Control/KeepAlive into the link's bounded <see cref="ControlInbox"/> for the actor that
/// claimed it (<see cref="Claim"/>), handshake frames to the rekey logic.</para>
/// <para>Threads: the link owns its writer thread (and, on TCP, its reader thread). Both end when the link closes —
/// <see cref="Close"/> from any thread, a Close frame or end of stream from the peer, a transport error — after
/// which <see cref="Closed"/> completes and every buffer and key is released.</para>
/// <para>Rekey: when the current session asks for it (its initiator at <see cref="SessionLimits.RekeyAfterTimeMs"/>,
/// either side at <see cref="SessionLimits.RekeyAfterMessages"/>), the writer thread sends a pinned (IK)
/// initiation on the same transport; the new session becomes current when established (on the responder when
/// it answers, on the initiator when the response arrives). The replaced session stays open for frames still in
/// flight until the next rekey replaces it in turn (at most its reject age, 180 s).</para>
/// </summary>
public sealed partial class Link
{
    private readonly LinkEnvironment _env;
    private readonly ILinkTransport _transport;
    private readonly PacketQueue _queue;
    private readonly TaskCompletionSource<LinkClosedInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _rekeyLock = new();

    /// <summary>Handshake frames sent by the reader (rekey replies): a reader-only scratch buffer.</summary>
    private readonly byte[] _readerScratch = new byte[BufferLayout.FrameOffset + HandshakeLayout.XxResponseSize];

    /// <summary>Rekey initiations sent by the writer: a writer-only scratch buffer.</summary>
    private readonly byte[] _writerScratch = new byte[BufferLayout.FrameOffset + HandshakeLayout.IkInitSize];

    private LinkSession _current;
    private LinkSession? _previous;
    private HandshakeInitiator? _rekey;
    private uint _rekeyIndex;
    private long _rekeyStartedMs;
    private LinkClosedInfo? _closeInfo;
    private int _loopsRunning;

    /// <summary>TCP reader thread: 0 not started, 1 started by <see cref="Claim"/>, 2 never to start (the link ended first).</summary>
    private int _readerState;

    /// <summary>
    /// A frame goes the direct path only after the link was quiet this long (0.5 ms): sparse traffic (pings,
    /// interactive packets) saves the writer thread's wake-up, while back-to-back frames keep the pipelining of a
    /// producer that queues and a writer that sends (without this rule a bulk producer sent everything itself: the
    /// message bus's 1 KiB chunks moved at 71–80 MiB/s, against 116–145 with it).
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
        Inbox = new ControlInbox(env.Options.ControlInboxCapacity, Stats);
        MaxInnerPacket = Math.Min(LinkOptions.MaxInnerPacketFor(transport.MaxFrameSize), env.Pool.MaxPacket);
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

    /// <summary>Completes once the link is closed and both of its threads have ended.</summary>
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
        if (_transport.HasOwnReader && Interlocked.CompareExchange(ref _readerState, 1, 0) == 0)
        {
            StartThread(ReaderLoop, "meshactors-tcp-rx");
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
            || payload.Length > _transport.MaxFrameSize - FrameLayout.TransportOverhead)
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
        }
    }

    public override string ToString() => $"Link({Scheme}://{RemoteEndPoint}, {Peer})";

    internal void Start()
    {
        _loopsRunning = _transport.HasOwnReader ? 2 : 1;
        _transport.RegisterIndex(_current.LocalIndex, this);
        StartThread(WriterLoop, "meshactors-link-tx");
    }

    /// <summary>Ends the link because its transport ended or broke; safe from any thread, first cause wins.</summary>
    internal void Terminate(LinkCloseCause cause, string detail, CloseReason reason = CloseReason.Unspecified)
    {
        if (Interlocked.CompareExchange(ref _closeInfo, new LinkClosedInfo(cause, reason, detail), null) is null)
        {
            _queue.Complete();
            _transport.Shutdown();
        }
    }

    private bool Enqueue(PacketBuffer buffer)
    {
        if (IsClosing)
        {
            return Refuse(buffer, LinkDrop.Closed);
        }

        if (buffer.Length <= DirectSendLimits.MaxFrame && _queue.Count == 0
            && Stopwatch.GetTimestamp() - Volatile.Read(ref _lastSendTimestamp) >= DirectSendQuietTicks && TrySendDirect(buffer))
        {
            return true;
        }

        if (_queue.TryEnqueue(buffer))
        {
            return true;
        }

        Stats.Drop(_queue.IsCompleted ? LinkDrop.Closed : LinkDrop.RingFull);
        return false;
    }

    /// <summary>
    /// A small frame on a quiet link is sealed and sent by the thread that produced it (TUN reader, or the reader of
    /// the link it arrived on), saving the wake-up of the writer thread. Only while the send gate is free and the
    /// ring empty, so frames leave in order; only when the transport can send without blocking, so a slow peer never
    /// stalls a producer. False when the frame must be queued instead (it may have been sealed meanwhile).
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

            if (!Seal(buffer))
            {
                buffer.Return();
                return true;
            }

            switch (_transport.TrySendNow(buffer.Array, buffer.SealedFrameLength))
            {
                case DirectSend.NotSent:
                    return false;
                case DirectSend.Started:
                    _queue.Wake();
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

    /// <summary>Waits out a producer's direct send (never a blocking one) before the writer sends.</summary>
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

    private void WriterLoop()
    {
        try
        {
            while (true)
            {
                _queue.WaitForItems(_env.Options.MaintenanceIntervalMs);
                AcquireSendGate();
                try
                {
                    _transport.FlushStarted();
                    while (_queue.TryDequeue(out var buffer))
                    {
                        SendQueued(buffer);
                    }
                }
                finally
                {
                    Volatile.Write(ref _sendGate, 0);
                }

                if (IsClosing)
                {
                    break;
                }

                Maintain();
            }

            if (Volatile.Read(ref _closeInfo) is { Cause: LinkCloseCause.Local } info)
            {
                SendClose(info.Reason);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            Terminate(LinkCloseCause.TransportFailed, e.Message);
        }
        finally
        {
            _transport.Shutdown();
            if (_transport.HasOwnReader && Interlocked.CompareExchange(ref _readerState, 2, 0) == 0)
            {
                LoopEnded(); // never claimed: the reader that would have ended will not start
            }

            LoopEnded();
        }
    }

    private void ReaderLoop()
    {
        try
        {
            _transport.RunReader(this);
        }
        finally
        {
            LoopEnded();
        }
    }

    private void SendQueued(PacketBuffer buffer)
    {
        try
        {
            if (buffer.SealedFrameLength != 0 || Seal(buffer))
            {
                _transport.Send(buffer.Array, buffer.SealedFrameLength);
                Stats.Sent(buffer.SealedFrameLength);
                Volatile.Write(ref _lastSendTimestamp, Stopwatch.GetTimestamp());
            }
        }
        finally
        {
            buffer.Return();
        }
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

    private void SendClose(CloseReason reason)
    {
        if (!_env.Pool.TryRent(out var buffer))
        {
            return;
        }

        ClosePayload.Write(buffer.Array.AsSpan(BufferLayout.PayloadOffset), reason);
        buffer.Set(BufferLayout.PayloadOffset, ClosePayload.Size);
        buffer.FrameType = FrameType.Close;
        SendQueued(buffer);
    }

    private void LoopEnded()
    {
        if (Interlocked.Decrement(ref _loopsRunning) != 0)
        {
            return;
        }

        // Held for good: a producer's direct send never meets released keys or a disposed queue.
        AcquireSendGate();
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

        Release(Volatile.Read(ref _current));
        if (_previous is { } previous)
        {
            Release(previous);
        }

        _queue.Drain();
        _queue.Dispose();
        _closed.TrySetResult(Volatile.Read(ref _closeInfo)!);
    }

    private static void StartThread(ThreadStart body, string name) =>
        new Thread(body) { Name = name, IsBackground = true }.Start();
}
