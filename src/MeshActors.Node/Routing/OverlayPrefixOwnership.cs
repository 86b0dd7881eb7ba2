using MeshActors.Crypto;
using MeshActors.Protocol;
using MeshActors.Protocol.Routing;
using MeshActors.Routing;

namespace MeshActors.Node.Routing;

/// <summary>
/// Who may originate what: inside the overlay prefix, a router may originate only (parts of) the /64 derived from its
/// own key, so no node can take another node's address. Prefixes outside the overlay (IPv4, extra IPv6 prefixes) are
/// not bound to keys; a closed mesh restricts who joins with <c>admission</c>. Also turns router ids into validated
/// identities, cached, since each conversion costs a curve check.
/// </summary>
public sealed class OverlayPrefixOwnership(IpPrefix overlayPrefix) : IPrefixOwnership
{
    /// <summary>Router ids kept resolved, entries (~100 bytes each): a peer announcing fresh random originators must not
    /// grow this cache without bound, so it is cleared when full (the route table itself holds at most
    /// routing.max-destinations originators, whose ids are then resolved again once).</summary>
    private const int MaxCachedIds = 65_536;

    private readonly RoutePrefix _overlay = RoutePrefix.From(overlayPrefix);

    public IpPrefix OverlayPrefix => overlayPrefix;
    private readonly Dictionary<RouterId, (PublicIdentity Identity, RoutePrefix Subnet)?> _known = [];

    public bool MayOriginate(RouterId originator, RoutePrefix prefix)
    {
        if (!Covers(_overlay, prefix))
        {
            return prefix.IsIPv6 != _overlay.IsIPv6 || !Covers(prefix, _overlay);
        }

        return Resolve(originator) is { } known && Covers(known.Subnet, prefix);
    }

    /// <summary>The identity behind a router id; null when the 32 bytes are not a valid Ed25519 key.</summary>
    public PublicIdentity? IdentityOf(RouterId id) => Resolve(id)?.Identity;

    private (PublicIdentity Identity, RoutePrefix Subnet)? Resolve(RouterId id)
    {
        if (!_known.TryGetValue(id, out var known))
        {
            if (_known.Count >= MaxCachedIds)
            {
                _known.Clear();
            }

            known = PublicIdentity.TryFromBytes(id.ToBytes(), out var identity)
                ? (identity, RoutePrefix.From(OverlayAddressing.DeriveSubnet(identity, overlayPrefix)))
                : null;
            _known[id] = known;
        }

        return known;
    }

    private static bool Covers(RoutePrefix outer, RoutePrefix inner) =>
        outer.IsIPv6 == inner.IsIPv6 && inner.Length >= outer.Length && outer.ToIpPrefix().Covers(inner.ToIpPrefix());
}
