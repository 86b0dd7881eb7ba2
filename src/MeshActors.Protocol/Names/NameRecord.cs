using System.Net;
using MeshActors.Protocol.Routing;

namespace MeshActors.Protocol.Names;

/// <summary>
/// A node's signed announcement of its name and IPv4 address, flooded through the mesh (layout in PROTOCOL.md §6).
/// Plain immutable data, signature included, so it can be stored, snapshotted and flooded again as received.
/// The arrays are never changed after construction.
/// </summary>
/// <param name="Key">The announcing node's 32-byte Ed25519 public identity; the signature must verify under it.</param>
/// <param name="Name">A DNS label (see <see cref="NameSyntax"/>), or empty: the node claims no name (a release).</param>
/// <param name="IssuedAtMs">When the record was signed, Unix milliseconds: grows with every record of one key, so an
/// older record of that key is a replay.</param>
/// <param name="ClaimedAtMs">When the key first claimed <paramref name="Name"/>, Unix milliseconds (0 without a name):
/// the earliest claim owns a name.</param>
/// <param name="LifetimeSeconds">Seconds after <paramref name="IssuedAtMs"/> at which the record expires unless refreshed.</param>
/// <param name="Flags">See <see cref="NameRecordFlags"/>.</param>
/// <param name="Ipv4">The node's IPv4 address, big-endian as a number; 0 when it has none.</param>
/// <param name="Signature">Ed25519 signature (64 bytes) of <see cref="NameRecordCodec.SignedBytes"/>.</param>
public sealed record NameRecord(
    byte[] Key,
    string Name,
    long IssuedAtMs,
    long ClaimedAtMs,
    uint LifetimeSeconds,
    NameRecordFlags Flags,
    uint Ipv4,
    byte[] Signature)
{
    /// <summary>Prefixes the node serves as an exit (PROTOCOL.md §6, flag <see cref="NameRecordFlags.Exits"/>): every node
    /// learns each exit of a prefix from the records, which routing alone cannot tell (it carries one originator per
    /// neighbour). Empty when the node is no exit; at most <see cref="NameRecordCodec.MaxExitPrefixes"/>.</summary>
    public RoutePrefix[] ExitPrefixes { get; init; } = [];

    /// <summary>UDP endpoints at which the node takes links from anyone, as its neighbours see it with no NAT between
    /// (PROTOCOL.md §6, flag <see cref="NameRecordFlags.Endpoints"/>): the gossip through which nodes behind NAT find
    /// relays and public nodes they were never configured with. At most <see cref="NameRecordCodec.MaxEndpoints"/>.</summary>
    public IPEndPoint[] PublicEndpoints { get; init; } = [];

    public bool IsRelay => (Flags & NameRecordFlags.Relay) != 0;

    public long ExpiresAtMs => IssuedAtMs + (LifetimeSeconds * 1000L);

    public bool HasName => Name.Length > 0;
}

[Flags]
public enum NameRecordFlags : byte
{
    None = 0,

    /// <summary>The IPv4 address was derived from the key inside <c>ipv4.network</c> (it yields to a configured one).</summary>
    Ipv4Auto = 1,

    /// <summary>A list of exit prefixes follows the name (see <see cref="NameRecord.ExitPrefixes"/>).</summary>
    Exits = 2,

    /// <summary>A list of public UDP endpoints follows the exit list (see <see cref="NameRecord.PublicEndpoints"/>).</summary>
    Endpoints = 4,

    /// <summary>The node relays and introduces for others (<c>nat.relay = on</c>) and announces public endpoints.</summary>
    Relay = 8,
}
