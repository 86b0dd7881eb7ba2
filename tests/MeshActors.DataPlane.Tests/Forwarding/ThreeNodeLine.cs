using MeshActors.Protocol.Addressing;
using System.Net;
using MeshActors.Crypto;
using MeshActors.Crypto.EndToEnd;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Forwarding;

/// <summary>
/// A — B — C over real loopback links: A and C have in-memory TUN devices, B runs without one (--no-tun) and only
/// relays. Static routes: each end reaches the other's /64 through B.
/// </summary>
internal sealed class ThreeNodeLine : IAsyncDisposable
{
    private ThreeNodeLine(LoopbackNode a, LoopbackNode b, LoopbackNode c)
    {
        (NodeA, NodeB, NodeC) = (a, b, c);
    }

    public LoopbackNode NodeA { get; }

    public LoopbackNode NodeB { get; }

    public LoopbackNode NodeC { get; }

    public InMemoryTun TunA { get; } = new("mesh-a");

    public InMemoryTun TunC { get; } = new("mesh-c");

    public Forwarder A { get; private set; } = null!;

    public Forwarder B { get; private set; } = null!;

    public Forwarder C { get; private set; } = null!;

    public Link AtoB { get; private set; } = null!;

    /// <summary>An address in A's /64 (host ::1).</summary>
    public IPAddress AddressA => StaticRoutes.HostIn(SubnetOf(NodeA), 1);

    /// <summary>An address in C's /64 (host ::1).</summary>
    public IPAddress AddressC => StaticRoutes.HostIn(SubnetOf(NodeC), 1);

    public IpPrefix SubnetB => SubnetOf(NodeB);

    /// <summary>Message-bus chunks C's forwarder delivered: (source, copy of the chunk).</summary>
    public System.Threading.Channels.Channel<(Crypto.PublicIdentity Source, byte[] Chunk)> MessagesAtC { get; } =
        System.Threading.Channels.Channel.CreateUnbounded<(Crypto.PublicIdentity, byte[])>();

    /// <param name="schemeCtoB">How C dials B, when not as A does (<paramref name="scheme"/>).</param>
    /// <param name="linkOptionsB">B's link options, when not <paramref name="linkOptions"/>.</param>
    /// <param name="optionsB">The relay B's forwarder options.</param>
    public static async Task<ThreeNodeLine> StartAsync(
        TransportKind scheme,
        LinkOptions? linkOptions = null,
        ForwarderOptions? optionsA = null,
        TransportKind? schemeCtoB = null,
        LinkOptions? linkOptionsB = null,
        ForwarderOptions? optionsB = null)
    {
        var options = linkOptions ?? new LinkOptions();
        var line = new ThreeNodeLine(
            LoopbackNode.Create(options: options), LoopbackNode.Create(options: linkOptionsB ?? options), LoopbackNode.Create(options: options));
        line.A = line.CreateForwarder(line.NodeA, optionsA);
        line.B = line.CreateForwarder(line.NodeB, optionsB);
        line.C = line.CreateForwarder(line.NodeC, options: null, (source, _, chunk) => line.MessagesAtC.Writer.TryWrite((source, chunk.ToArray())));

        static PeerUri Uri(LoopbackNode node, TransportKind kind) => kind == TransportKind.Tcp ? node.TcpUri(pinned: true) : node.UdpUri(pinned: true);
        line.AtoB = await line.NodeA.ConnectAsync(Uri(line.NodeB, scheme));
        var bToA = await line.NodeB.NextInboundAsync();
        var cToB = await line.NodeC.ConnectAsync(Uri(line.NodeB, schemeCtoB ?? scheme));
        var bToC = await line.NodeB.NextInboundAsync();

        var (a, b, c) = (line.NodeA.Identity.Public, line.NodeB.Identity.Public, line.NodeC.Identity.Public);
        line.A.Routes = new StaticRoutes().Add(SubnetOf(line.NodeC), line.AtoB, c).Add(SubnetOf(line.NodeB), line.AtoB, b);
        line.B.Routes = new StaticRoutes().Add(SubnetOf(line.NodeA), bToA, a).Add(SubnetOf(line.NodeC), bToC, c);
        line.C.Routes = new StaticRoutes().Add(SubnetOf(line.NodeA), cToB, a);
        line.A.AttachTun(line.TunA);
        line.C.AttachTun(line.TunC);
        return line;
    }

    public async ValueTask DisposeAsync()
    {
        A.Dispose();
        B.Dispose();
        C.Dispose();
        await NodeA.DisposeAsync();
        await NodeB.DisposeAsync();
        await NodeC.DisposeAsync();
    }

    /// <summary>Lets <paramref name="tamper"/> change every opened Data payload B receives before B forwards it: what
    /// an attacker on the underlay can do to the end-to-end body of a header-only sealed frame.</summary>
    public void TamperAtRelay(Action<PacketBuffer> tamper) => NodeB.Env.DataSink = new TamperingSink(B, tamper);

    private static IpPrefix SubnetOf(LoopbackNode node) => OverlayAddressing.DeriveSubnet(node.Identity.Public, OverlayAddressing.DefaultPrefix);

    private Forwarder CreateForwarder(LoopbackNode node, ForwarderOptions? options, MessageHandler? messages = null)
    {
        var sessions = new EndToEndSessionCache(node.Identity, EndToEndLimits.DefaultCapacity, () => node.Env.Clock.UnixMs);
        var forwarder = new Forwarder(node.Identity, node.Pool, sessions, options, messages);
        node.Env.DataSink = forwarder;
        return forwarder;
    }

    private sealed class TamperingSink(ILinkDataSink next, Action<PacketBuffer> tamper) : ILinkDataSink
    {
        public void OnData(Link link, PacketBuffer payload)
        {
            tamper(payload);
            next.OnData(link, payload);
        }
    }
}
