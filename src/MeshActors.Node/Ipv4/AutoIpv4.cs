using MeshActors.Crypto;
using MeshActors.DataPlane.Tun;
using MeshActors.Node.Settings;
using MeshActors.Protocol;
using MeshActors.Routing.Ipv4;

namespace MeshActors.Node.Ipv4;

/// <summary>The automatic IPv4 address a node starts with (its key's candidate 0 in <c>ipv4.network</c>), if any.</summary>
public static class AutoIpv4
{
    /// <summary>A fresh address holder at candidate 0, or null without <c>ipv4.network</c>.</summary>
    public static Ipv4AutoAddress? For(NodeSettings settings, PublicIdentity identity) =>
        settings.Ipv4Network.Network is { } network ? new Ipv4AutoAddress(new Ipv4Network(network), identity.Bytes.ToArray()) : null;

    /// <summary>The TUN device's IPv4 addresses: the configured ones and the automatic one as a /32.</summary>
    public static IReadOnlyList<TunAddress> TunAddresses(NodeSettings settings, Ipv4AutoAddress? auto) =>
        auto is null ? settings.Ipv4.Addresses : [.. settings.Ipv4.Addresses, new TunAddress(Ipv4Network.ToAddress(auto.Address), 32)];

    /// <summary>The IPv4 prefixes the forwarder delivers locally: configured addresses and prefixes, and the automatic /32.</summary>
    public static IReadOnlyList<IpPrefix> LocalPrefixes(NodeSettings settings, Ipv4AutoAddress? auto) =>
        [.. settings.Ipv4.Addresses.Select(a => IpPrefix.Create(a.Address, 32)), .. settings.Ipv4.Prefixes,
         .. auto is null ? [] : new[] { IpPrefix.Create(Ipv4Network.ToAddress(auto.Address), 32) }];

    /// <summary>The first IPv4 address a name record announces: the automatic one, else the first configured.</summary>
    public static (uint Address, bool IsAutomatic) Announced(NodeSettings settings, Ipv4AutoAddress? auto) =>
        auto is not null ? (auto.Address, true)
        : settings.Ipv4.Addresses.Count > 0 ? (Ipv4Network.ToUInt32(settings.Ipv4.Addresses[0].Address), false)
        : (0u, false);
}
