using MeshActors.Crypto;
using MeshActors.Crypto.EndToEnd;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Tun;
using MeshActors.Protocol;
using MeshActors.Protocol.Counting;
using MeshActors.Protocol.Data;
using MeshActors.Protocol.Ip;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// Receives a decrypted message-bus chunk on a link reader thread; the span is valid only during the call.
/// <paramref name="type"/>: <see cref="InnerType.Message"/> for the message bus, <see cref="InnerType.Stream"/> for the
/// port-tunnel bus.
/// </summary>
public delegate void MessageHandler(PublicIdentity source, InnerType type, ReadOnlySpan<byte> chunk);

/// <summary>
/// The node's packet forwarder: no actors, no mailboxes, no allocation per packet.
/// <para>Outbound ("meshactors-tun-rx" thread, <see cref="TunReader"/>): TUN packet → parse → drop kernel noise →
/// route lookup → no route: ICMP unreachable into our TUN; larger than the next hop carries: ICMP Packet Too Big →
/// end-to-end seal in place for the prefix owner → data header → next hop link's send ring.</para>
/// <para>Inbound (each link's reader thread, <see cref="OnData"/>): Data payload → header check → for this node:
/// end-to-end open (replay-checked) → inner type → IP packet whose source the sender owns → TUN write ring
/// ("meshactors-tun-tx" thread, <see cref="TunWriter"/>), or message chunk → <see cref="MessageHandler"/>; for
/// another node: hop limit − 1 → route lookup → next hop's send ring, still sealed: relays never decrypt. A payload
/// whose hop limit is spent, or too big for the next link, is dropped and counted, and its origin is told end to end
/// (rate-limited), so it answers with ICMP Time Exceeded or Packet Too Big quoting its own copy of the packet's head:
/// a relay cannot read the sealed packet.</para>
/// <para>Without a TUN device (--no-tun, or while none is attached) only the inbound path runs: relaying and
/// messages work, IP packets for this node are dropped and counted. The TUN actor attaches the device it opened
/// (<see cref="AttachTun"/>) and detaches it when it stops (<see cref="DetachTun"/>): the forwarder owns the device
/// in between, and detaching disposes it, which ends the reader thread, then stops the writer thread.</para>
/// <para>Path MTU: the origin compares each packet with its first link's <see cref="Link.MaxInnerPacket"/>; a relay
/// whose next link carries less reports it back (above), and the origin's Packet Too Big teaches its kernel the
/// path MTU.</para>
/// </summary>
public sealed class Forwarder : ILinkDataSink, IDisposable
{
    /// <summary>IPv4's minimum MTU (RFC 791): a relay's Packet Too Big report below it is not believed.</summary>
    private const int SmallestMtu = 68;

    private readonly BufferPool _pool;
    private readonly EndToEndSessionCache _sessions;
    private readonly ForwarderOptions _options;
    private readonly PublicIdentity _identity;
    private LocalAddresses _local;
    private readonly SourceOwnership _ownership;
    private TunPort? _tun;
    private readonly RecentPacketHeads _recentHeads = new();
    private readonly NoticeRateLimit _noticeLimit = new();
    private readonly MessageHandler? _messageHandler;
    private IRouteLookup? _routes;
    private ExitTable _exits = ExitTable.Empty;
    private int _disposed;

    /// <param name="messages">Where decrypted message-bus chunks go (the actor layer's bounded inlet); null drops them (counted).</param>
    public Forwarder(
        NodeIdentity identity, BufferPool pool, EndToEndSessionCache sessions, ForwarderOptions? options = null, MessageHandler? messages = null)
    {
        _pool = pool;
        _messageHandler = messages;
        _sessions = sessions;
        _options = options ?? new ForwarderOptions();
        _identity = identity.Public;
        _local = new LocalAddresses(identity.Public, _options);
        _ownership = new SourceOwnership(_options.OverlayPrefix);
    }

    public ForwarderCounters Counters { get; } = new();

    /// <summary>What this forwarder was built with (TUN batch and ring sizes, local prefixes).</summary>
    public ForwarderOptions Options => _options;

    /// <summary>The end-to-end layer's counters (a relay's stay at zero opens).</summary>
    public EndToEndCounters EndToEnd => _sessions.Counters;

    /// <summary>The end-to-end sessions, for the NAT traversal actor's look at whom this node sends to.</summary>
    public EndToEndSessionCache Sessions => _sessions;

    /// <summary>The current routing snapshot; the control plane swaps it whole, data-plane threads read it lock-free.</summary>
    public IRouteLookup? Routes
    {
        get => Volatile.Read(ref _routes);
        set => Volatile.Write(ref _routes, value);
    }

    /// <summary>The exits of each exit prefix (from the mesh's name records); swapped whole like <see cref="Routes"/>.</summary>
    public ExitTable Exits
    {
        get => Volatile.Read(ref _exits);
        set => Volatile.Write(ref _exits, value);
    }

    /// <summary>This node's overlay address (the source of its ICMPv6 errors).</summary>
    public ReadOnlySpan<byte> LocalAddress => _local.Ipv6;

    /// <summary>
    /// Replaces the IPv4 prefixes this node owns (an automatic address moved). Control plane only: the forwarding
    /// threads pick the new set up with their next packet (one reference swap, no lock).
    /// </summary>
    public void SetLocalIpv4Prefixes(IReadOnlyList<IpPrefix> prefixes) =>
        Volatile.Write(ref _local, new LocalAddresses(_identity, _options with { LocalIpv4Prefixes = prefixes }));

    /// <summary>True while a TUN device is attached.</summary>
    public bool HasTun => Volatile.Read(ref _tun) is not null;

    /// <summary>The attached TUN device's name and offload, or null without one.</summary>
    public (string Name, TunOffload Offload, CounterSet<TunOffloadEvent>? OffloadCounters)? TunState => Volatile.Read(ref _tun)?.State;

    /// <summary>
    /// Takes over <paramref name="device"/> and starts its reader and writer threads. Control plane only, one device
    /// at a time. Throws <see cref="ArgumentException"/> when the pool's buffers cannot hold the device's MTU.
    /// </summary>
    public void AttachTun(ITunDevice device)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var port = new TunPort(device, _pool, _options, this);
        if (Interlocked.CompareExchange(ref _tun, port, null) is not null)
        {
            throw new InvalidOperationException("a TUN device is already attached");
        }

        port.Start();
    }

    /// <summary>
    /// Stops using the attached TUN device (if any) and disposes it; its threads have ended when this returns.
    /// A packet a link thread was handing over at that moment is dropped (counted) or, in a narrow race, left in the
    /// old ring for the collector: the detach happens only when the TUN actor stops or restarts.
    /// </summary>
    public void DetachTun() => Interlocked.Exchange(ref _tun, null)?.Stop();

    /// <summary>
    /// Seals a message-bus chunk for <paramref name="destination"/> and sends it along the route to its overlay
    /// address, indistinguishable from IP traffic to relays. Any thread; false when dropped (counted).
    /// </summary>
    /// <param name="type"><see cref="InnerType.Message"/> or <see cref="InnerType.Stream"/> (the tunnel bus).</param>
    public bool TrySendMessage(PublicIdentity destination, ReadOnlySpan<byte> chunk, InnerType type = InnerType.Message)
    {
        if (type is not (InnerType.Message or InnerType.Stream))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "a bus chunk is a Message or a Stream");
        }

        var address = OverlayAddressing.DeriveAddress(destination, _options.OverlayPrefix).GetAddressBytes();
        if (!_pool.TryRent(out var buffer))
        {
            Counters.Drops.Increment(ForwardDrop.PoolExhausted);
            return false;
        }

        if (chunk.Length > _pool.MaxPacket)
        {
            Counters.Drops.Increment(ForwardDrop.TooBig);
            buffer.Return();
            return false;
        }

        chunk.CopyTo(buffer.Array.AsSpan(BufferLayout.PacketOffset));
        buffer.Set(BufferLayout.PacketOffset, chunk.Length);
        if (!TryRoute(address, buffer, answerWithIcmp: false, out var target))
        {
            return false;
        }

        return SealAndSend(buffer, type, address, target);
    }

    /// <summary>Outbound path for one packet read from our TUN (<c>buffer.Span</c> is the packet). Takes ownership.</summary>
    internal void Originate(PacketBuffer buffer)
    {
        var packet = buffer.Span;
        var version = IpPacket.TryParse(packet);
        if (version == IpVersion.None)
        {
            Drop(buffer, ForwardDrop.Malformed);
            return;
        }

        if (KernelNoiseFilter.IsNoise(packet, version))
        {
            Drop(buffer, ForwardDrop.Filtered);
            return;
        }

        var destination = IpPacket.Destination(packet, version);
        if (!TryRoute(destination, buffer, answerWithIcmp: true, out var target))
        {
            return;
        }

        // A route to an exit prefix: the flow goes to one exit, addressed to that exit's overlay address so that
        // relays carry it there (their own choice of announcer could differ, and only the chosen exit can open it).
        var exits = Exits;
        if (exits.Count > 0 && Routes is { } routes
            && exits.TryChoose(target.Prefix, FlowHash.Of(packet, version), routes, out var exit, out var exitTarget))
        {
            destination = exit.Address;
            target = exitTarget;
            exit.CountPacket();
        }

        var maxPacket = target.NextHop.MaxInnerPacket;
        if (packet.Length > maxPacket)
        {
            DropAnsweringIcmp(buffer, ForwardDrop.TooBig, IcmpError.PacketTooBig, packet, maxPacket);
            return;
        }

        SealAndSend(buffer, InnerType.IpPacket, destination, target);
    }

    /// <summary>Inbound path: a Data payload opened by <paramref name="link"/>'s session, on its reader thread.</summary>
    public void OnData(Link link, PacketBuffer payload)
    {
        var span = payload.Span;
        if (!DataHeader.IsValid(span))
        {
            Drop(payload, ForwardDrop.Malformed);
            return;
        }

        var destination = DataHeader.Destination(span);
        if (_local.IsLocal(destination) || IsServedExit(destination))
        {
            Deliver(payload, destination);
        }
        else
        {
            Relay(payload, destination);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        DetachTun();
    }

    /// <summary>Looks the destination up; on failure drops the buffer, answering an IP packet from our TUN with ICMP unreachable.</summary>
    private bool TryRoute(ReadOnlySpan<byte> destination, PacketBuffer buffer, bool answerWithIcmp, out RouteTarget target)
    {
        var routes = Routes;
        if (routes is not null && routes.TryLookup(destination, out target) && !target.NextHop.IsClosing)
        {
            return true;
        }

        target = default;
        if (answerWithIcmp)
        {
            DropAnsweringIcmp(buffer, ForwardDrop.NoRoute, IcmpError.NoRoute, buffer.Span, 0);
        }
        else
        {
            Drop(buffer, ForwardDrop.NoRoute);
        }

        return false;
    }

    /// <summary>Seals the packet at <see cref="BufferLayout.PacketOffset"/> for the prefix owner and queues it on the next hop.</summary>
    private bool SealAndSend(PacketBuffer buffer, InnerType type, ReadOnlySpan<byte> destination, RouteTarget target)
    {
        var session = _sessions.GetOrCreate(target.Owner);
        if (session is null)
        {
            Drop(buffer, ForwardDrop.BadIdentity);
            return false;
        }

        Span<byte> head = stackalloc byte[RecentPacketHeads.HeadSize];
        var headLength = type == InnerType.IpPacket ? Math.Min(buffer.Length, head.Length) : 0;
        buffer.Span[..headLength].CopyTo(head);
        buffer.Array[BufferLayout.InnerOffset] = (byte)type;
        var innerLength = InnerLayout.TypeSize + buffer.Length;
        var payloadLength = _sessions.Seal(session, buffer.Array.AsSpan(BufferLayout.PayloadOffset), innerLength, _options.HopLimit, destination);
        buffer.Set(BufferLayout.PayloadOffset, payloadLength);
        if (headLength != 0)
        {
            var header = buffer.Span;
            _recentHeads.Record(DataHeader.Destination(header), DataHeader.Epoch(header), DataHeader.Counter(header), head[..headLength]);
        }

        buffer.EndToEndSealed = true;
        if (!target.NextHop.TrySendData(buffer))
        {
            Counters.Drops.Increment(ForwardDrop.LinkRefused);
            return false;
        }

        Counters.Packets.Increment(ForwardPath.Originated);
        return true;
    }

    private void Deliver(PacketBuffer payload, ReadOnlySpan<byte> headerDestination)
    {
        var span = payload.Span;
        var status = _sessions.Open(span, out var innerLength, out var source);
        if (status != EndToEndStatus.Opened)
        {
            Drop(payload, DropFor(status));
            return;
        }

        var inner = span.Slice(DataHeader.Size + InnerLayout.TypeSize, innerLength - InnerLayout.TypeSize);
        switch ((InnerType)span[DataHeader.Size])
        {
            case InnerType.Message or InnerType.Stream:
                DeliverMessage(payload, source!, (InnerType)span[DataHeader.Size], inner);
                return;
            case InnerType.HopLimitExpired:
                AnswerRelayNotice(payload, source!, inner, IcmpError.TimeExceeded);
                return;
            case InnerType.PacketTooBig:
                AnswerRelayNotice(payload, source!, inner, IcmpError.PacketTooBig);
                return;
            case InnerType.IpPacket:
                break;
            default:
                Drop(payload, ForwardDrop.UnknownInner);
                return;
        }

        var version = IpPacket.TryParse(inner);
        if (version == IpVersion.None)
        {
            Drop(payload, ForwardDrop.Malformed);
            return;
        }

        var innerDestination = IpPacket.Destination(inner, version);
        if (!innerDestination.SequenceEqual(headerDestination) && !IsExitTraffic(headerDestination, innerDestination))
        {
            Drop(payload, ForwardDrop.NotForUs);
            return;
        }

        if (!_ownership.Owns(source!, inner, version, Routes) && !IsExitReply(source!, inner, version))
        {
            Drop(payload, ForwardDrop.ForgedSource);
            return;
        }

        if (Volatile.Read(ref _tun) is not { } tun)
        {
            Drop(payload, ForwardDrop.NoTun);
            return;
        }

        payload.Set(BufferLayout.PacketOffset, inner.Length);
        tun.Writer.Enqueue(payload);
    }

    /// <summary>
    /// An address in one of our exit prefixes is ours to deliver (an origin that found none of the prefix's exits
    /// reachable sends by the plain route), unless a longer route sends it elsewhere: a mesh node's /32 or /64 inside
    /// our 0.0.0.0/0 or ::/0 is relayed as before.
    /// </summary>
    private bool IsServedExit(ReadOnlySpan<byte> destination)
    {
        var length = _local.ExitPrefixLength(destination);
        return length >= 0 && !(Routes is { } routes && routes.TryLookup(destination, out var target) && target.Prefix.Length > length);
    }

    /// <summary>
    /// An answer from beyond an exit: its source lies in an exit prefix and the exit that sealed it serves that prefix.
    /// The route lookup names only the one exit routing selected as the prefix's owner; a flow placed on another exit
    /// comes back from that one.
    /// </summary>
    private bool IsExitReply(EndToEndSession sealer, ReadOnlySpan<byte> packet, IpVersion version) =>
        Routes is { } routes
        && routes.TryLookup(IpPacket.Source(packet, version), out var target)
        && Exits.Serves(target.Prefix, sealer.Peer);

    /// <summary>A packet an origin sent through this node as its exit: addressed to our overlay address, bound for one
    /// of our exit prefixes (the kernel routes it on, through the NAT the exit configuration sets up).</summary>
    private bool IsExitTraffic(ReadOnlySpan<byte> headerDestination, ReadOnlySpan<byte> innerDestination) =>
        headerDestination.SequenceEqual(_local.Ipv6) && _local.IsExitDestination(innerDestination);

    private void DeliverMessage(PacketBuffer payload, EndToEndSession source, InnerType type, ReadOnlySpan<byte> chunk)
    {
        var handler = _messageHandler;
        if (handler is null)
        {
            Drop(payload, ForwardDrop.NoMessageHandler);
            return;
        }

        handler(source.Peer, type, chunk);
        Counters.Packets.Increment(ForwardPath.DeliveredMessages);
        payload.Return();
    }

    private void Relay(PacketBuffer payload, ReadOnlySpan<byte> destination)
    {
        if (!_options.Transit)
        {
            Drop(payload, ForwardDrop.TransitRefused);
            return;
        }

        var span = payload.Span;
        var hopLimit = span[DataHeader.HopLimitOffset];
        if (hopLimit <= 1)
        {
            DropNotifyingOrigin(payload, ForwardDrop.HopLimit, InnerType.HopLimitExpired, 0);
            return;
        }

        span[DataHeader.HopLimitOffset] = (byte)(hopLimit - 1);
        var routes = Routes;
        if (routes is null || !routes.TryLookup(destination, out var target) || target.NextHop.IsClosing)
        {
            Drop(payload, ForwardDrop.NoRoute);
            return;
        }

        if (span.Length > target.NextHop.MaxInnerPacket + InnerLayout.Overhead)
        {
            DropNotifyingOrigin(payload, ForwardDrop.TooBig, InnerType.PacketTooBig, (uint)target.NextHop.MaxInnerPacket);
            return;
        }

        // Sealed end to end by its origin (the tag is checked only there); this node adds no plaintext.
        payload.EndToEndSealed = true;
        if (!target.NextHop.TrySendData(payload))
        {
            Counters.Drops.Increment(ForwardDrop.LinkRefused);
            return;
        }

        Counters.Packets.Increment(ForwardPath.Relayed);
    }

    /// <summary>
    /// Tells the origin of a payload this relay cannot pass on (hop limit spent, or too big for the next link), end to
    /// end and rate-limited, which payload it was, so that it can answer its sender with the ICMP error: this relay
    /// cannot read the packet to quote it itself. <paramref name="value"/>: the next link's largest inner packet for
    /// <see cref="InnerType.PacketTooBig"/>.
    /// </summary>
    private void NotifyOrigin(ReadOnlySpan<byte> header, InnerType type, uint value)
    {
        if (!_noticeLimit.TryTake(Environment.TickCount64))
        {
            Counters.Drops.Increment(ForwardDrop.NoticeRateLimited);
            return;
        }

        if (!PublicIdentity.TryFromBytes(DataHeader.SourceIdentity(header), out var origin))
        {
            return;
        }

        if (!_pool.TryRent(out var buffer))
        {
            Counters.Drops.Increment(ForwardDrop.PoolExhausted);
            return;
        }

        RelayNotice.WriteFor(header, value, buffer.Array.AsSpan(BufferLayout.PacketOffset, RelayNotice.Size));
        buffer.Set(BufferLayout.PacketOffset, RelayNotice.Size);
        var address = OverlayAddressing.DeriveAddress(origin, _options.OverlayPrefix).GetAddressBytes();
        if (TryRoute(address, buffer, answerWithIcmp: false, out var target) && SealAndSend(buffer, type, address, target))
        {
            Counters.Packets.Increment(ForwardPath.HopLimitNotices);
        }
    }

    /// <summary>
    /// A relay reports that one of our payloads could not go on: the ICMP error into our TUN, from the relay's overlay
    /// address (IPv6) or our own router address (IPv4), quoting what we kept of the packet. A notice for a payload we
    /// no longer remember (or never sent) is dropped and counted.
    /// </summary>
    private void AnswerRelayNotice(PacketBuffer payload, EndToEndSession relay, ReadOnlySpan<byte> notice, IcmpError error)
    {
        Span<byte> head = stackalloc byte[RecentPacketHeads.HeadSize];
        if (!RelayNotice.TryRead(notice, out var destination, out var epoch, out var counter, out var value)
            || (error == IcmpError.PacketTooBig && value is < SmallestMtu or > ushort.MaxValue)
            || !_recentHeads.TryFind(destination, epoch, counter, head, out var headLength))
        {
            Drop(payload, ForwardDrop.UnknownNotice);
            return;
        }

        payload.Return();
        var version = (head[0] >> 4) == 6 ? IpVersion.V6 : IpVersion.V4;
        var router = version == IpVersion.V6
            ? OverlayAddressing.DeriveAddress(relay.Peer, _options.OverlayPrefix).GetAddressBytes()
            : _local.RouterAddressFor(4).ToArray();
        WriteIcmp(error, head[..headLength], version, router, (int)value);
    }

    /// <summary>Writes an ICMP error about <paramref name="offending"/> back into our TUN (nothing without one).</summary>
    private void ReplyIcmp(IcmpError error, ReadOnlySpan<byte> offending, int mtu)
    {
        var version = IpPacket.TryParse(offending);
        WriteIcmp(error, offending, version, _local.RouterAddressFor(version == IpVersion.V6 ? 16 : 4), mtu);
    }

    /// <summary>Writes an ICMP error quoting <paramref name="head"/> (a packet, or the first bytes of one we sent) into our TUN.</summary>
    private void WriteIcmp(IcmpError error, ReadOnlySpan<byte> head, IpVersion version, ReadOnlySpan<byte> router, int mtu)
    {
        if (Volatile.Read(ref _tun) is not { } tun)
        {
            return;
        }

        if (!_pool.TryRent(out var reply))
        {
            Counters.Drops.Increment(ForwardDrop.PoolExhausted);
            return;
        }

        var length = IcmpBuilder.WriteQuoting(error, head, version, router, mtu, reply.Array.AsSpan(BufferLayout.PacketOffset));
        if (length == 0)
        {
            reply.Return();
            return;
        }

        reply.Set(BufferLayout.PacketOffset, length);
        Counters.Packets.Increment(ForwardPath.Icmp);
        tun.Writer.Enqueue(reply);
    }

    private void Drop(PacketBuffer buffer, ForwardDrop reason)
    {
        Counters.Drops.Increment(reason);
        buffer.Return();
    }

    /// <summary>Drops a relayed payload and tells its origin why (a relay notice), counting it before the notice leaves.</summary>
    private void DropNotifyingOrigin(PacketBuffer payload, ForwardDrop reason, InnerType notice, uint value)
    {
        Counters.Drops.Increment(reason);
        NotifyOrigin(payload.Span, notice, value);
        payload.Return();
    }

    /// <summary>Drops a packet from our TUN and answers it with ICMP (quoting <paramref name="offending"/>, which lies
    /// in <paramref name="buffer"/>). Counted first, so whoever reads the answer from the TUN also sees the count.</summary>
    private void DropAnsweringIcmp(PacketBuffer buffer, ForwardDrop reason, IcmpError error, ReadOnlySpan<byte> offending, int mtu)
    {
        Counters.Drops.Increment(reason);
        ReplyIcmp(error, offending, mtu);
        buffer.Return();
    }

    private static ForwardDrop DropFor(EndToEndStatus status) => status switch
    {
        EndToEndStatus.Replay or EndToEndStatus.TooOld => ForwardDrop.Replay,
        EndToEndStatus.StaleEpoch or EndToEndStatus.CounterLimit => ForwardDrop.StaleEpoch,
        EndToEndStatus.BadIdentity => ForwardDrop.BadIdentity,
        EndToEndStatus.Malformed => ForwardDrop.Malformed,
        _ => ForwardDrop.DecryptFailed,
    };
}
