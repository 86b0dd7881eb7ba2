using System.Net;

namespace MeshActors.Node.Names;

/// <summary>Asks the names actor for every live record and this node's own claim; answered with <see cref="NameList"/>.</summary>
public sealed class GetNames
{
    public static readonly GetNames Instance = new();

    private GetNames()
    {
    }
}

/// <summary>This node's IPv4 address changed (an automatic address moved): its name record must say so.</summary>
/// <param name="Address">The new address, big-endian as a number.</param>
public sealed record OwnIpv4Changed(uint Address, bool IsAutomatic);

/// <summary>The UDP endpoints at which neighbours see this node with no NAT between (empty: none, or behind NAT), and
/// whether it relays: its name record announces them to the mesh (PROTOCOL.md §6, public endpoints).</summary>
public sealed record OwnEndpointsChanged(IPEndPoint[] Endpoints, bool Relay);

/// <summary>What <c>GET /api/v1/names</c> returns.</summary>
public sealed record NameList(OwnName Self, IReadOnlyList<NameInfo> Names, IReadOnlyDictionary<string, long> Counters);

/// <summary>
/// This node's own claim. Status: <c>owner</c> (the mesh gives it the name), <c>refused</c> (another key claimed it
/// first: <paramref name="Owner"/>), <c>none</c> (no <c>node-name</c>), <c>invalid</c> (the node-name is no DNS label).
/// </summary>
public sealed record OwnName(string Name, string Status, string? Owner, string? Ipv4);

/// <summary>One live record: the claimed name (empty when the node claims none), its key, overlay address, IPv4
/// address, whether it owns the name, its times (ISO 8601), the public UDP endpoints it announces and whether it
/// relays.</summary>
public sealed record NameInfo(
    string Name, string PublicKey, string Address, string? Ipv4, bool Owner, string ClaimedAt, string ExpiresAt,
    IReadOnlyList<string> Endpoints, bool Relay);
