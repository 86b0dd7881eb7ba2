using MeshActors.DataPlane.Forwarding;
using MeshActors.Crypto;
using MeshActors.Node.Actors;
using MeshActors.Node.Links;
using MeshActors.Node.Messaging;
using MeshActors.Node.Routing;
using MeshActors.Node.Settings;
using MeshActors.Node.Tun;
using MeshActors.Protocol.Routing;
using MeshActors.Routing;

namespace MeshActors.Node.Hosting;

/// <summary>The guardian's children for a real node, in start order.</summary>
public static class NodeChildren
{
    public static IReadOnlyList<ChildSpec> For(NodeSettings settings, NodeIdentity identity, NodeDataPlane dataPlane)
    {
        var forwarder = dataPlane.Forwarder;
        var tun = dataPlane.Tun is { } device ? new[] { new ChildSpec(TunDeviceActor.Name, TunDeviceActor.Props(device), typeof(TunDeviceActor)) } : [];
        return
        [
            .. tun,
            RouteTable(settings, identity.Public, lookup => forwarder.Routes = lookup),
            new ChildSpec(PeerManager.Name, PeerManager.Props(
                dataPlane.Links, settings.Peers, settings.LinkTimers), typeof(PeerManager)),
            new ChildSpec(MessageBusActor.Name, MessageBusActor.Props(
                settings.Messages, forwarder, dataPlane.BusInlet, RouterId.FromBytes(identity.Public.Bytes), settings.OverlayPrefix), typeof(MessageBusActor)),
            new ChildSpec(InspectionActor.Name, InspectionActor.Props()),
        ];
    }

    /// <summary>The route table: originates this node's prefixes, runs with the <c>routing</c> timers and hands every
    /// new lookup to <paramref name="publish"/>.</summary>
    public static ChildSpec RouteTable(NodeSettings settings, PublicIdentity identity, Action<MeshRouteLookup> publish) =>
        new(RouteTableActor.Name, RouteTableActor.Props(
            RouterId.FromBytes(identity.Bytes),
            new OverlayPrefixOwnership(settings.OverlayPrefix),
            settings.Routing,
            LocalPrefixes.For(settings, identity),
            publish), typeof(RouteTableActor));
}
