using MeshActors.Node.Actors;
using MeshActors.Node.Links;
using MeshActors.Node.Routing;

namespace MeshActors.Node.Api;

/// <summary>Where the API finds the node's actors (each child sits behind its backoff supervisor, which forwards).</summary>
public static class ActorPaths
{
    public const string Guardian = "/user/" + NodeGuardian.Name;
    public const string Peers = Guardian + "/" + PeerManager.Name;
    public const string Routes = Guardian + "/" + RouteTableActor.Name;
    public const string Names = Guardian + "/" + Node.Names.NamesActor.Name;
    public const string Nat = Guardian + "/" + Node.Nat.NatTraversalActor.Name;
}
