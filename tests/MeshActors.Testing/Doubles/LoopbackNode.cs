using MeshActors.Protocol.Addressing;
using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Frames;

namespace MeshActors.Testing.Doubles;

/// <summary>A control frame as a test sees it: a copy of the payload, taken on the link's reader thread.</summary>
public sealed record ReceivedControl(Link Link, FrameType Type, byte[] Payload);

/// <summary>
/// One node's link layer on loopback for tests: identity, environment, a TCP listener and a UDP endpoint on
/// 127.0.0.1 (or ::1) with kernel-chosen ports, inbound links and control frames collected in channels (every link it
/// dials or accepts is claimed by this node, whose owner drains the link's control inbox into the channel). Every
/// link it sees is closed, and every socket released, on dispose.
/// </summary>
public sealed class LoopbackNode : IAsyncDisposable
{
    /// <summary>How long dispose waits for a link's threads to end.</summary>
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait for a dial, an inbound link or a frame: generous, as it only bounds a failing test on a loaded machine.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Channel<Link> _inbound = Channel.CreateUnbounded<Link>();
    private readonly Channel<ReceivedControl> _control = Channel.CreateUnbounded<ReceivedControl>();
    private readonly ConcurrentBag<Link> _links = [];
    private readonly ChannelOwner _owner;
    private readonly bool _ownsIdentity;
    private int _disposed;

    private LoopbackNode(NodeIdentity identity, bool ownsIdentity, AdmissionPolicy admission, LinkOptions options, IDataPlaneClock? clock, IPAddress bind, int poolCapacity, int bufferSize)
    {
        Identity = identity;
        _ownsIdentity = ownsIdentity;
        Pool = new BufferPool(poolCapacity, bufferSize);
        Env = new LinkEnvironment(new HandshakeSettings(identity, admission), Pool, options, clock);
        _owner = new ChannelOwner(_control.Writer);
        Tcp = TcpLinkListener.Start(Env, new IPEndPoint(bind, 0), Track);
        Udp = UdpLinkEndpoint.Bind(Env, new IPEndPoint(bind, 0), Track);
        Factory = new LinkFactory(Env, Udp);
    }

    public NodeIdentity Identity { get; }

    public BufferPool Pool { get; }

    public LinkEnvironment Env { get; }

    public TcpLinkListener Tcp { get; }

    public UdpLinkEndpoint Udp { get; }

    public LinkFactory Factory { get; }

    public static LoopbackNode Create(
        AdmissionPolicy? admission = null,
        LinkOptions? options = null,
        IDataPlaneClock? clock = null,
        bool ipv6 = false,
        NodeIdentity? identity = null,
        int poolCapacity = 256,
        int bufferSize = BufferLayout.MaxBufferSize) =>
        new(identity ?? NodeIdentity.Generate(), identity is null, admission ?? AdmissionPolicy.Open, options ?? new LinkOptions(), clock,
            ipv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, poolCapacity, bufferSize);

    public PeerUri TcpUri(bool pinned) => Uri(TransportKind.Tcp, Tcp.LocalEndPoint, pinned);

    public PeerUri UdpUri(bool pinned) => Uri(TransportKind.Udp, Udp.LocalEndPoint, pinned);

    /// <summary>Dials <paramref name="uri"/>, claims the link (<paramref name="claim"/>: false leaves that to the
    /// test) and tracks it for cleanup.</summary>
    public async Task<Link> ConnectAsync(PeerUri uri, bool claim = true)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var link = await Factory.ConnectAsync(uri, timeout.Token);
        _links.Add(link);
        if (claim)
        {
            link.Claim(_owner);
        }

        return link;
    }

    /// <summary>When false, accepted links are handed out unclaimed (the test claims them).</summary>
    public bool ClaimInbound { get; set; } = true;

    public async Task<Link> NextInboundAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? Patience);
        return await _inbound.Reader.ReadAsync(timeout.Token);
    }

    public async Task<ReceivedControl> NextControlAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? Patience);
        return await _control.Reader.ReadAsync(timeout.Token);
    }

    public bool TryTakeControl(out ReceivedControl control) => _control.Reader.TryRead(out control!);

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, 1);
        await Tcp.DisposeAsync();
        Udp.Dispose();
        var links = _links.ToArray();
        foreach (var link in links)
        {
            link.Close();
        }

        await Task.WhenAll(links.Select(link => link.Closed.WaitAsync(CloseWait)));
        Env.Dispose();
        if (_ownsIdentity)
        {
            Identity.Dispose();
        }
    }

    private void Track(Link link)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // A handshake that finished while the node was shutting down.
            link.Close();
            return;
        }

        _links.Add(link);
        if (ClaimInbound)
        {
            link.Claim(_owner);
        }

        _inbound.Writer.TryWrite(link);
    }

    private PeerUri Uri(TransportKind scheme, IPEndPoint endPoint, bool pinned) =>
        new(scheme, endPoint.Address.ToString(), endPoint.Port, pinned ? Identity.Public : null);

    /// <summary>Drains a link's control inbox into the node's channel on the waking thread (the link's reader).</summary>
    private sealed class ChannelOwner(ChannelWriter<ReceivedControl> control) : ILinkEvents
    {
        public void ControlPending(Link link)
        {
            while (link.Inbox.TryTake(out var frame))
            {
                control.TryWrite(new ReceivedControl(link, frame.Type, frame.Payload));
            }

            link.Inbox.Rearm();
        }
    }
}
