using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tun;

/// <summary>
/// What a TUN device is created with: its name, MTU, the node's own addresses and the prefixes routed into it
/// (the overlay prefix, IPv4 prefixes of other nodes). Read from the node's settings (section <c>tun</c>).
/// </summary>
public sealed record TunOptions
{
    /// <summary>Smallest MTU IPv6 allows on a link (RFC 8200), in bytes.</summary>
    public const int MinimumMtu = 1280;

    /// <summary>Largest IP packet (IPv4 total length / IPv6 payload length field), in bytes.</summary>
    public const int MaximumMtu = 65535;

    public required string Name { get; init; }

    public required int Mtu { get; init; }

    public IReadOnlyList<TunAddress> Addresses { get; init; } = [];

    public IReadOnlyList<IpPrefix> Routes { get; init; } = [];

    /// <summary>Mark written packets' checksums partial where the OS allows (<see cref="TunOffload.Checksum"/>).</summary>
    public bool ChecksumOffload { get; init; }

    /// <summary>
    /// Take TCP (and UDP) super packets from the kernel and write merged TCP segments where the OS allows
    /// (<see cref="TunOffload.TcpSegmentation"/>); needs <see cref="ChecksumOffload"/>.
    /// </summary>
    public bool SegmentationOffload { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for values no operating system accepts.</summary>
    public void Validate()
    {
        if (Mtu is < MinimumMtu or > MaximumMtu)
        {
            throw new ArgumentException($"TUN MTU {Mtu} is outside {MinimumMtu}..{MaximumMtu} bytes", nameof(Mtu));
        }

        if (string.IsNullOrEmpty(Name))
        {
            throw new ArgumentException("TUN interface name is empty", nameof(Name));
        }
    }
}
