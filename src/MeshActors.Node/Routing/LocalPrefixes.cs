using MeshActors.Crypto;
using MeshActors.Node.Settings;
using MeshActors.Protocol;
using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Routing;

/// <summary>What a node originates: its key-derived /64, each owned IPv4 address as a /32, the extra IPv4 prefixes, the exit prefixes,
/// and the automatic IPv4 address it starts with (<c>ipv4.network</c>; the IPv4 actor moves it on a conflict).</summary>
public static class LocalPrefixes
{
    public static IReadOnlyList<RoutePrefix> For(NodeSettings settings, PublicIdentity identity)
    {
        var prefixes = new List<RoutePrefix> { RoutePrefix.From(OverlayAddressing.DeriveSubnet(identity, settings.OverlayPrefix)) };
        prefixes.AddRange(settings.Ipv4.Addresses.Select(address => RoutePrefix.From(IpPrefix.Create(address.Address, 32))));
        prefixes.AddRange(settings.Ipv4.Prefixes.Select(RoutePrefix.From));
        prefixes.AddRange(settings.Exit.Prefixes.Select(RoutePrefix.From));
        if (Ipv4.AutoIpv4.For(settings, identity) is { } auto)
        {
            prefixes.Add(MeshActors.Routing.Ipv4.Ipv4Network.HostRoute(auto.Address));
        }

        return prefixes.Distinct().ToList();
    }
}
