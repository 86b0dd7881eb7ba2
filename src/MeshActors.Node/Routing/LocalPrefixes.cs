using MeshActors.Crypto;
using MeshActors.Node.Settings;
using MeshActors.Protocol;
using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Routing;

/// <summary>What a node originates: its key-derived /64, each owned IPv4 address as a /32, and the extra IPv4 prefixes.</summary>
public static class LocalPrefixes
{
    public static IReadOnlyList<RoutePrefix> For(NodeSettings settings, PublicIdentity identity)
    {
        var prefixes = new List<RoutePrefix> { RoutePrefix.From(OverlayAddressing.DeriveSubnet(identity, settings.OverlayPrefix)) };
        prefixes.AddRange(settings.Ipv4.Addresses.Select(address => RoutePrefix.From(IpPrefix.Create(address.Address, 32))));
        prefixes.AddRange(settings.Ipv4.Prefixes.Select(RoutePrefix.From));
        return prefixes.Distinct().ToList();
    }
}
