using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// Decides whether a router may originate a prefix. The node wires the real rule (a key owns the /64 derived from
/// it, plus configured IPv4 and extra prefixes); tests use fakes. Updates failing it are dropped as hijacks.
/// </summary>
public interface IPrefixOwnership
{
    bool MayOriginate(RouterId originator, RoutePrefix prefix);
}
