using System.Net;
using MeshActors.Crypto;
using MeshActors.DataPlane.Forwarding;
using MeshActors.Messaging.Api;
using MeshActors.Protocol;
using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Messaging;

/// <summary>
/// Keys ↔ overlay addresses for the bus API. An address is resolved to the key that owns its subnet through the
/// forwarder's current route snapshot (the same lookup IP packets use), so only destinations with a route resolve.
/// </summary>
internal sealed class BusAddressing(Forwarder forwarder, IpPrefix overlayPrefix)
{
    public IPAddress AddressOf(RouterId key) =>
        OverlayAddressing.DeriveAddress(PublicIdentity.FromBytes(key.ToBytes()), overlayPrefix);

    /// <summary>The destination key, or a refusal naming the field (400 for a bad key, 404 for an address with no route).</summary>
    public bool TryResolve(MessageTarget target, out RouterId key, out SendRefused? refusal)
    {
        refusal = null;
        key = default;
        if (target.Key is { } given)
        {
            if (!PublicIdentity.TryFromBytes(given.ToBytes(), out _))
            {
                refusal = new SendRefused(400, "dst.pk", "is not a valid Ed25519 public key");
                return false;
            }

            key = given;
            return true;
        }

        var address = target.Address!.GetAddressBytes();
        if (forwarder.Routes is { } routes && routes.TryLookup(address, out var route))
        {
            key = RouterId.FromBytes(route.Owner.Bytes);
            return true;
        }

        refusal = new SendRefused(404, "dst.ip", $"no route to {target.Address}: unknown destination");
        return false;
    }
}
