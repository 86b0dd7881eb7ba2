using System.Buffers.Binary;
using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Protocol;
using MeshActors.Protocol.Routing;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// Which destination addresses are this node's: its derived /64 and its IPv4 prefixes, and which it serves as an exit; also the source addresses of
/// the ICMP errors it generates. Immutable; checks are allocation-free.
/// </summary>
internal sealed class LocalAddresses
{
    private readonly byte[] _subnet = new byte[8];
    private readonly (uint Network, uint Mask)[] _ipv4;
    private readonly RoutePrefix[] _exits;

    public LocalAddresses(PublicIdentity identity, ForwarderOptions options)
    {
        Ipv6 = OverlayAddressing.DeriveAddress(identity, options.OverlayPrefix).GetAddressBytes();
        Ipv6.AsSpan(0, 8).CopyTo(_subnet);
        _ipv4 = options.LocalIpv4Prefixes
            .Where(prefix => prefix.Family == AddressFamily.InterNetwork)
            .Select(prefix => (BinaryPrimitives.ReadUInt32BigEndian(prefix.Network.GetAddressBytes()), MaskOf(prefix.Length)))
            .ToArray();
        Ipv4 = _ipv4.Length == 0 ? [] : FirstHost(_ipv4[0]);
        _exits = [.. options.ExitPrefixes.Select(RoutePrefix.From)];
    }

    /// <summary>This node's overlay IPv6 address: the source of its ICMPv6 errors.</summary>
    public byte[] Ipv6 { get; }

    /// <summary>Source of ICMPv4 errors: the first address of the first IPv4 prefix; empty without one (no ICMPv4 is sent).</summary>
    public byte[] Ipv4 { get; }

    public bool IsLocal(ReadOnlySpan<byte> address)
    {
        if (address.Length == 16)
        {
            return address[..8].SequenceEqual(_subnet);
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(address);
        foreach (var (network, mask) in _ipv4)
        {
            if ((value & mask) == network)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="address"/> (4 or 16 bytes) lies in a prefix this node serves as an exit.</summary>
    public bool IsExitDestination(ReadOnlySpan<byte> address) => ExitPrefixLength(address) >= 0;

    /// <summary>Length of the longest exit prefix of this node holding <paramref name="address"/>; -1 when none does.</summary>
    public int ExitPrefixLength(ReadOnlySpan<byte> address)
    {
        var longest = -1;
        foreach (var prefix in _exits)
        {
            if (prefix.Length > longest && prefix.Contains(address))
            {
                longest = prefix.Length;
            }
        }

        return longest;
    }

    /// <summary>The address ICMP errors about <paramref name="packetSource"/>'s family come from.</summary>
    public ReadOnlySpan<byte> RouterAddressFor(int addressLength) => addressLength == 16 ? Ipv6 : Ipv4;

    private static uint MaskOf(int length) => length == 0 ? 0 : uint.MaxValue << (32 - length);

    private static byte[] FirstHost((uint Network, uint Mask) prefix)
    {
        var address = new byte[4];
        // A /32 is its own address; otherwise skip the network address.
        BinaryPrimitives.WriteUInt32BigEndian(address, prefix.Mask == uint.MaxValue ? prefix.Network : prefix.Network + 1);
        return address;
    }
}
