using MeshActors.DataPlane.Forwarding;
using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Links;
using MeshActors.Node.Routing;
using MeshActors.Protocol;
using MeshActors.Protocol.Addressing;
using MeshActors.Protocol.Routing;
using MeshActors.Routing;

namespace MeshActors.Node.Tests.Links;

/// <summary>One node's link layer in its own actor system, listening on loopback ports picked by the OS.</summary>
internal sealed class LinkTestNode : IAsyncDisposable
{
    /// <summary>Fast timers so link death and reconnects show within a test's patience.</summary>
    public static readonly LinkTimers FastTimers = new(
        HelloInterval: TimeSpan.FromMilliseconds(200),
        DeadAfter: TimeSpan.FromMilliseconds(800),
        ReconnectMin: TimeSpan.FromMilliseconds(100),
        ReconnectMax: TimeSpan.FromMilliseconds(800),
        ConnectTimeout: TimeSpan.FromSeconds(3));

    /// <summary>
    /// <see cref="FastTimers"/> for tests that never cut a link silently: hellos as often (RTTs measure at once) but a
    /// link is declared dead only after 30 s without a frame. With 800 ms a machine stall (xunit runs test classes
    /// side by side) killed healthy loopback links mid-test, and the test saw a peer without a link.
    /// </summary>
    public static readonly LinkTimers SteadyTimers = FastTimers with { DeadAfter = TimeSpan.FromSeconds(30) };

    /// <summary>How long a question to an actor may wait: only a failing test waits it out, and a loaded machine
    /// (the suite must pass beside stress-ng) can hold an answer back for seconds.</summary>
    private static readonly TimeSpan AskPatience = TimeSpan.FromSeconds(30);

    private MeshRouteLookup _routes = MeshRouteLookup.Empty;

    private LinkTestNode(string name, NodeIdentity identity, NodeLinks links, ActorSystem system, IActorRef manager)
    {
        Name = name;
        Identity = identity;
        Links = links;
        System = system;
        Manager = manager;
    }

    public string Name { get; }

    public NodeIdentity Identity { get; }

    public NodeLinks Links { get; }

    public ActorSystem System { get; }

    public IActorRef Manager { get; }

    public IActorRef? RouteTable { get; private set; }

    /// <summary>The lookup the route table published last (what the data plane would use).</summary>
    public MeshRouteLookup Routes => Volatile.Read(ref _routes);

    public IpPrefix Subnet => OverlayAddressing.DeriveSubnet(Identity.Public, OverlayAddressing.DefaultPrefix);

    public string TcpUri => $"tcp://127.0.0.1:{Links.TcpEndPoints[0].Port}";

    public string UdpUri => $"udp://127.0.0.1:{Links.UdpEndPoints[0].Port}";

    public static LinkTestNode Start(
        string name,
        IEnumerable<string>? peers = null,
        AdmissionPolicy? admission = null,
        NodeIdentity? identity = null,
        int tcpPort = 0,
        int udpPort = 0,
        bool withRoutes = false,
        LinkTimers? timers = null)
    {
        identity ??= NodeIdentity.Generate();
        var listen = new[]
        {
            new PeerUri(TransportKind.Tcp, "127.0.0.1", tcpPort, null),
            new PeerUri(TransportKind.Udp, "127.0.0.1", udpPort, null),
        };
        var links = NodeLinks.Open(identity, admission ?? AdmissionPolicy.Open, new BufferPool(256, 4096), listen, new LinkOptions());
        var system = ActorSystem.Create(name, ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING"));
        var manager = system.ActorOf(PeerManager.Props(links, [.. (peers ?? []).Select(PeerUri.Parse)], timers ?? FastTimers), PeerManager.Name);
        ActorRegistry.For(system).Register<PeerManager>(manager);
        var node = new LinkTestNode(name, identity, links, system, manager);
        if (withRoutes)
        {
            var ownership = new OverlayPrefixOwnership(OverlayAddressing.DefaultPrefix);
            var local = new[] { RoutePrefix.From(node.Subnet) };
            node.RouteTable = system.ActorOf(
                RouteTableActor.Props(RouterId.FromBytes(identity.Public.Bytes), ownership, RoutingSettings.Default, local, lookup => Volatile.Write(ref node._routes, lookup)),
                RouteTableActor.Name);
            ActorRegistry.For(system).Register<RouteTableActor>(node.RouteTable);
        }

        return node;
    }

    /// <summary>Waits until this node's route table has (or, with <paramref name="present"/> false, lacks) a route to <paramref name="prefix"/>.</summary>
    public async Task<RouteInfo?> WaitForRouteAsync(string prefix, bool present, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var route = (await RoutesAsync()).FirstOrDefault(r => r.Prefix == prefix);
            if ((route is not null) == present)
            {
                return route;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{Name}: route to {prefix} still {(present ? "missing" : "present")}");
            await Task.Delay(50);
        }
    }

    public async Task<IReadOnlyList<RouteInfo>> RoutesAsync(RouteView view = RouteView.Selected) =>
        (await RouteTable!.Ask<RouteList>(new GetRoutes(view), AskPatience)).Routes;

    public string PinnedTcpUri => $"{Identity.Public}@{TcpUri}";

    public async Task<IReadOnlyList<PeerStatus>> PeersAsync() =>
        (await Manager.Ask<PeerList>(GetPeers.Instance, AskPatience)).Peers;

    public async Task<PeerStatus> WaitForPeerAsync(Func<PeerStatus, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var match = (await PeersAsync()).FirstOrDefault(condition);
            if (match is not null)
            {
                return match;
            }

            if (DateTime.UtcNow > deadline)
            {
                var seen = string.Join("; ", (await PeersAsync()).Select(p => $"{p.Name} {p.State} {p.PublicKey?[..8]} rtt={p.RttMs} err={p.LastError}"));
                throw new TimeoutException($"{Name}: no peer matched within {timeout}; peers: [{seen}]");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until the first peer that is up has received <paramref name="rounds"/> more hello rounds (a hello and an
    /// IHU each): protocol time counted on the wire, for checks that nothing happened over a while.
    /// </summary>
    public async Task WaitForHellosAsync(int rounds, TimeSpan timeout)
    {
        var start = (await PeersAsync()).First(p => p.State == PeerState.Up).Stats!.FramesIn;
        await WaitForPeerAsync(p => p.State == PeerState.Up && p.Stats!.FramesIn >= start + 2 * rounds, timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await System.Terminate();
        await Links.DisposeAsync();
        Identity.Dispose();
    }

    public static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);
}
