using MeshActors.Crypto;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Actors;
using MeshActors.Node.Links;
using MeshActors.Node.Routing;
using MeshActors.Node.Settings;
using MeshActors.Protocol.Routing;
using MeshActors.Routing;

namespace MeshActors.Node.Hosting;

/// <summary>The guardian's children for a real node, in start order.</summary>
public static class NodeChildren
{
    public static IReadOnlyList<ChildSpec> For(NodeSettings settings, NodeIdentity identity, NodeDataPlane dataPlane)
    {
        var ownership = new OverlayPrefixOwnership(settings.OverlayPrefix);
        var forwarder = dataPlane.Forwarder;
        return
        [
            new ChildSpec(RouteTableActor.Name, RouteTableActor.Props(
                RouterId.FromBytes(identity.Public.Bytes),
                ownership,
                RoutingSettings.Default,
                LocalPrefixes.For(settings, identity.Public),
                lookup => forwarder.Routes = lookup)),
            new ChildSpec(PeerManager.Name, PeerManager.Props(
                dataPlane.Links, [.. settings.Peers.Select(peer => PeerUri.Parse(peer.ToString()))], settings.LinkTimers)),
        ];
    }
}
