using System.Net;
using MeshActors.Crypto;
using MeshActors.Protocol;
using MeshActors.Protocol.Names;
using MeshActors.Routing.Ipv4;
using MeshActors.Routing.Names;

namespace MeshActors.Node.Names;

/// <summary>
/// An immutable view of the mesh's names for readers outside the names actor (DNS server, IPv4 actor): every live
/// record, and lookups by owned name, by overlay address and by IPv4 address. Rebuilt by the names actor after each
/// change and swapped whole in a <see cref="NameDirectoryHolder"/>.
/// </summary>
public sealed class NameDirectory
{
    private readonly Dictionary<string, NameEntry> _owners;
    private readonly Dictionary<IPAddress, string> _byAddress;

    private NameDirectory(IReadOnlyList<NameRecord> records, Dictionary<string, NameEntry> owners, Dictionary<IPAddress, string> byAddress)
    {
        Records = records;
        _owners = owners;
        _byAddress = byAddress;
    }

    public static NameDirectory Empty { get; } = new([], [], []);

    /// <summary>Every live record, owners and refused claimants alike.</summary>
    public IReadOnlyList<NameRecord> Records { get; }

    public static NameDirectory Build(IReadOnlyList<NameClaim> claims, IpPrefix overlayPrefix)
    {
        var owners = new Dictionary<string, NameEntry>(StringComparer.Ordinal);
        var byAddress = new Dictionary<IPAddress, string>();
        foreach (var claim in claims.Where(c => c.IsOwner))
        {
            var record = claim.Record;
            var entry = new NameEntry(
                record.Name,
                PublicIdentity.TryFromBytes(record.Key, out var identity) ? OverlayAddressing.DeriveAddress(identity, overlayPrefix) : null,
                record.Ipv4 == 0 ? null : Ipv4Network.ToAddress(record.Ipv4));
            owners[record.Name] = entry;
            if (entry.Ipv6 is { } ipv6)
            {
                byAddress[ipv6] = record.Name;
            }

            if (entry.Ipv4 is { } ipv4)
            {
                byAddress[ipv4] = record.Name;
            }
        }

        return new NameDirectory([.. claims.Select(c => c.Record)], owners, byAddress);
    }

    /// <summary>The owner's addresses of <paramref name="name"/> (lower case), or null when nobody owns it.</summary>
    public NameEntry? Resolve(string name) => _owners.GetValueOrDefault(name);

    /// <summary>The owned name of the node at <paramref name="address"/> (overlay IPv6 or announced IPv4), or null.</summary>
    public string? NameOf(IPAddress address) => _byAddress.GetValueOrDefault(address);
}

/// <summary>A name and the addresses of the node that owns it (IPv4 null when it announced none).</summary>
public sealed record NameEntry(string Name, IPAddress? Ipv6, IPAddress? Ipv4);

/// <summary>The current <see cref="NameDirectory"/>, swapped whole by the names actor and read lock-free by anyone.</summary>
public sealed class NameDirectoryHolder
{
    private NameDirectory _current = NameDirectory.Empty;

    public NameDirectory Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }
}
