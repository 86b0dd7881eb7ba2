using MeshActors.DataPlane;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Tun;
using MeshActors.Crypto;
using MeshActors.Node.Actors;
using MeshActors.Node.Discovery;
using MeshActors.Node.Exits;
using MeshActors.Node.Ipv4;
using MeshActors.Node.Links;
using MeshActors.Node.Names;
using MeshActors.Node.Nat;
using MeshActors.Node.Messaging;
using MeshActors.Node.Routing;
using MeshActors.Node.Settings;
using MeshActors.Node.State;
using MeshActors.Node.Tun;
using MeshActors.Node.Tunnels;
using MeshActors.Protocol.Data;
using MeshActors.Protocol.Routing;
using MeshActors.Routing;
using MeshActors.Routing.Ipv4;
using MeshActors.Routing.Nat;

namespace MeshActors.Node.Hosting;

/// <summary>The guardian's children for a real node, in start order.</summary>
public static class NodeChildren
{
    /// <param name="autoIpv4">The automatic IPv4 address (<c>ipv4.network</c>), or null; the IPv4 actor moves it.</param>
    /// <param name="store">The node's data folder; each actor that keeps durable state gets its own section of it.</param>
    /// <param name="tunOpened">Completed when the TUN actor first opened the device (with <c>tun.enabled</c>).</param>
    public static IReadOnlyList<ChildSpec> For(
        NodeSettings settings,
        NodeIdentity identity,
        NodeDataPlane dataPlane,
        BusInlets busInlets,
        Ipv4AutoAddress? autoIpv4,
        SnapshotStore store,
        NameDirectoryHolder? names = null,
        TaskCompletionSource? tunOpened = null)
    {
        var forwarder = dataPlane.Forwarder;
        names ??= new NameDirectoryHolder();
        var (ipv4, automatic) = AutoIpv4.Announced(settings, autoIpv4);
        var ipv4Actor = autoIpv4 is { } auto
            ? new[]
            {
                new ChildSpec(Ipv4AddressActor.Name, Ipv4AddressActor.Props(
                    auto, identity.Public.Bytes.ToArray(), AutoIpv4.LocalPrefixes(settings, null), forwarder, names, settings.Ipv4Network.ConflictCheckInterval,
                    settings.Names.RefreshInterval), typeof(Ipv4AddressActor)),
            }
            : [];
        var tun = settings.Tun.Enabled
            ? new[]
            {
                new ChildSpec(TunDeviceActor.Name, TunDeviceActor.Props(
                    () => TunSetup.For(settings, identity.Public, autoIpv4), TunDeviceFactory.Open, forwarder, tunOpened), typeof(TunDeviceActor)),
            }
            : [];
        var discovery = settings.Discovery.Lan
            ? new[]
            {
                new ChildSpec(LanDiscoveryActor.Name, LanDiscoveryActor.Props(
                    settings.Discovery,
                    identity.Public,
                    dataPlane.Links.UdpEndPoints.FirstOrDefault(e => e.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)?.Port ?? 0,
                    settings.Tun.Enabled ? settings.Tun.Name : null), typeof(LanDiscoveryActor)),
            }
            : [];
        var rendezvous = settings.Discovery.Rendezvous
            ? new[] { new ChildSpec(RendezvousActor.Name, RendezvousActor.Props(), typeof(RendezvousActor)) }
            : [];
        return
        [
            .. tun,
            RouteTable(settings, identity.Public, lookup => forwarder.Routes = lookup, new(store, StateSections.RouteSeqno)),
            new ChildSpec(NamesActor.Name, NamesActor.Props(
                identity, settings.NodeName, ipv4, automatic, settings.Names, settings.OverlayPrefix, names,
                [.. settings.Exit.Prefixes.Select(RoutePrefix.From)],
                records => forwarder.Exits = ExitRecords.ToTable(records, identity.Public, settings.OverlayPrefix, forwarder.Exits)), typeof(NamesActor)),
            .. ipv4Actor,
            new ChildSpec(NatTraversalActor.Name, NatTraversalActor.Props(
                settings.Nat,
                () => LocalNetworkProbe.Current(dataPlane.Links.UdpEndPoints, settings.Tun.Enabled ? settings.Tun.Name : null),
                settings.Nat.Punch ? Punching(settings, identity, dataPlane) : null,
                names), typeof(NatTraversalActor)),
            new ChildSpec(PeerManager.Name, PeerManager.Props(
                dataPlane.Links, settings.Peers, settings.LinkTimers, new(store, StateSections.Peers)), typeof(PeerManager)),
            new ChildSpec(MessageBusActor.Name, MessageBusActor.Props(
                settings.Messages,
                forwarder,
                busInlets.Messages,
                RouterId.FromBytes(identity.Public.Bytes),
                settings.OverlayPrefix,
                new(store, StateSections.Bus),
                settings.State.WriteInterval), typeof(MessageBusActor)),
            new ChildSpec(TunnelBus.Name, MessageBusActor.Props(
                TunnelBus.Settings,
                forwarder,
                busInlets.Tunnels,
                RouterId.FromBytes(identity.Public.Bytes),
                settings.OverlayPrefix,
                handOver: new BusHandOver(InnerType.Stream, typeof(TunnelActor))), typeof(TunnelBus)),
            new ChildSpec(TunnelActor.Name, TunnelActor.Props(settings.Tunnels, forwarder, names), typeof(TunnelActor)),
            .. discovery,
            .. rendezvous,
            new ChildSpec(InspectionActor.Name, InspectionActor.Props(), typeof(InspectionActor)),
        ];
    }

    private static NatPunching Punching(NodeSettings settings, NodeIdentity identity, NodeDataPlane dataPlane) => new(
        identity.Public,
        dataPlane.Links.Probes,
        dataPlane.Links.UdpEndPoints[0].Port,
        dataPlane.Links.Factory,
        PunchSettings.Default,
        settings.Nat.RetryMin,
        settings.Nat.RetryMax,
        settings.LinkTimers.ConnectTimeout,
        () => dataPlane.Forwarder.Sessions.Sessions.Select(session => (session.Peer, session.SendPosition)));

    /// <summary>The route table: originates this node's prefixes, runs with the <c>routing</c> timers and hands every
    /// new lookup to <paramref name="publish"/>; with <paramref name="seqnoStore"/> its own seqno survives a restart.</summary>
    public static ChildSpec RouteTable(
        NodeSettings settings, PublicIdentity identity, Action<MeshRouteLookup> publish, SectionStore<OwnRouteSeqno>? seqnoStore = null) =>
        new(RouteTableActor.Name, RouteTableActor.Props(
            RouterId.FromBytes(identity.Bytes),
            new OverlayPrefixOwnership(settings.OverlayPrefix),
            settings.Routing with { Transit = settings.Nat.Relay },
            LocalPrefixes.For(settings, identity),
            publish,
            seqnoStore), typeof(RouteTableActor));
}
