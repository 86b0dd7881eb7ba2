using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MeshActors.Protocol;
using MeshActors.Protocol.Routing;

namespace MeshActors.Routing.Ipv4;

/// <summary>
/// An <c>ipv4.network</c> CIDR (MeshNet's <c>--network</c>) and the addresses a key may take in it. Candidate i of a
/// key is host number 1 + (first 4 bytes of SHA-256("meshactors/ipv4/v1" ‖ key ‖ i as u32 big-endian), big-endian,
/// mod (2^(32 − length) − 2)) of the network: never the network or the broadcast address. Anyone can recompute a
/// key's candidates, so the order in which a node moves on a conflict is fixed by its key alone.
/// </summary>
public sealed class Ipv4Network
{
    /// <summary>Shortest and longest prefix length: a /8 is the largest private block; a /30 still has two hosts.</summary>
    public const int MinLength = 8;
    public const int MaxLength = 30;

    private static ReadOnlySpan<byte> Context => "meshactors/ipv4/v1"u8;

    private readonly uint _network;

    public Ipv4Network(IpPrefix prefix)
    {
        if (prefix.Family != AddressFamily.InterNetwork || prefix.Length is < MinLength or > MaxLength)
        {
            throw new ArgumentException($"an IPv4 network is an IPv4 prefix of length {MinLength}..{MaxLength}", nameof(prefix));
        }

        Prefix = prefix;
        _network = ToUInt32(prefix.Network);
        HostCount = (1u << (32 - prefix.Length)) - 2;
    }

    public IpPrefix Prefix { get; }

    /// <summary>Usable addresses: all but the network and the broadcast address.</summary>
    public uint HostCount { get; }

    public bool Contains(uint address) => (address & Mask) == _network;

    private uint Mask => uint.MaxValue << (32 - Prefix.Length);

    /// <summary>Candidate <paramref name="attempt"/> of <paramref name="key"/>, as a big-endian number.</summary>
    public uint Candidate(ReadOnlySpan<byte> key, uint attempt)
    {
        Span<byte> input = stackalloc byte[Context.Length + key.Length + 4];
        Context.CopyTo(input);
        key.CopyTo(input[Context.Length..]);
        BinaryPrimitives.WriteUInt32BigEndian(input[(Context.Length + key.Length)..], attempt);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        return _network + 1 + (BinaryPrimitives.ReadUInt32BigEndian(hash) % HostCount);
    }

    /// <summary>The /32 route that announces <paramref name="address"/>.</summary>
    public static RoutePrefix HostRoute(uint address) => RoutePrefix.FromWords((ulong)address << 32, 0, 32, isIPv6: false);

    /// <summary>The address of a /32 route; other prefixes give null.</summary>
    public static uint? AddressOf(RoutePrefix prefix) => !prefix.IsIPv6 && prefix.Length == 32 ? (uint)(prefix.High >> 32) : null;

    public static uint ToUInt32(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    public static IPAddress ToAddress(uint address)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPAddress(bytes);
    }
}
