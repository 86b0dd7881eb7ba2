using System.Buffers.Binary;

namespace MeshActors.Protocol.Ip;

/// <summary>
/// Builds ICMPv6 (RFC 4443) and ICMPv4 (RFC 792, RFC 1191 for the MTU field) error messages about an offending
/// packet, addressed back to its source, into a caller buffer. Writes at most <see cref="MaxIcmpV6Size"/> /
/// <see cref="MaxIcmpV4Size"/> bytes and never allocates. The rules of RFC 4443 §2.4(e) and RFC 1812 §4.3.2.7 are
/// applied: no error about an ICMP error, nor about a multicast packet.
/// </summary>
public static class IcmpBuilder
{
    /// <summary>ICMPv6 errors fill at most the IPv6 minimum MTU, 1,280 bytes (RFC 4443 §2.4(c)).</summary>
    public const int MaxIcmpV6Size = 1280;

    /// <summary>ICMPv4 errors fill at most 576 bytes, the datagram size every host accepts (RFC 1812 §4.3.2.3).</summary>
    public const int MaxIcmpV4Size = 576;

    /// <summary>ICMP header bytes: type, code, checksum, four bytes of type-specific data (unused or MTU).</summary>
    private const int IcmpHeaderSize = 8;

    /// <summary>Hop limit / TTL of generated errors: 64, the usual host default.</summary>
    private const byte GeneratedHopLimit = 64;

    /// <summary>
    /// Writes an error about <paramref name="offending"/> (a packet that passed <see cref="IpPacket.TryParse"/>)
    /// from <paramref name="routerAddress"/> (16 bytes for IPv6, 4 for IPv4) into <paramref name="destination"/>.
    /// Returns the length written, or 0 when no error may be sent (the offending packet is an ICMP error or multicast,
    /// or the families do not match). <paramref name="mtu"/> is used by <see cref="IcmpError.PacketTooBig"/> only.
    /// </summary>
    public static int Write(IcmpError error, ReadOnlySpan<byte> offending, ReadOnlySpan<byte> routerAddress, int mtu, Span<byte> destination) =>
        WriteQuoting(error, offending, IpPacket.TryParse(offending), routerAddress, mtu, destination);

    /// <summary>
    /// As <see cref="Write"/>, for an error about a packet of which only its first bytes, <paramref name="head"/>, are
    /// at hand (a well-formed packet seen earlier: the length fields need not match the head). 0 when not answerable.
    /// </summary>
    public static int WriteQuoting(
        IcmpError error, ReadOnlySpan<byte> head, IpVersion version, ReadOnlySpan<byte> routerAddress, int mtu, Span<byte> destination) =>
        version switch
        {
            IpVersion.V6 when head.Length >= IpPacket.Ipv6HeaderSize && head[0] >> 4 == 6 && routerAddress.Length == 16 && MayAnswerV6(head) =>
                WriteV6(error, head, routerAddress, mtu, destination),
            IpVersion.V4 when head.Length >= IpPacket.Ipv4MinHeaderSize && head[0] >> 4 == 4 && (head[0] & 0x0f) * 4 <= head.Length
                && routerAddress.Length == 4 && MayAnswerV4(head) => WriteV4(error, head, routerAddress, mtu, destination),
            _ => 0,
        };

    private static int WriteV6(IcmpError error, ReadOnlySpan<byte> offending, ReadOnlySpan<byte> router, int mtu, Span<byte> output)
    {
        var quoted = Math.Min(offending.Length, MaxIcmpV6Size - IpPacket.Ipv6HeaderSize - IcmpHeaderSize);
        var icmpLength = IcmpHeaderSize + quoted;
        var total = IpPacket.Ipv6HeaderSize + icmpLength;
        var packet = output[..total];
        packet[..IpPacket.Ipv6HeaderSize].Clear();
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)icmpLength);
        packet[6] = IpPacket.ProtocolIcmpV6;
        packet[7] = GeneratedHopLimit;
        router.CopyTo(packet[8..]);
        offending.Slice(8, 16).CopyTo(packet[24..]);

        var icmp = packet[IpPacket.Ipv6HeaderSize..];
        (icmp[0], icmp[1]) = error switch
        {
            IcmpError.NoRoute => ((byte)1, (byte)0),
            IcmpError.PacketTooBig => ((byte)2, (byte)0),
            _ => ((byte)3, (byte)0),
        };
        icmp[2] = 0;
        icmp[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], error == IcmpError.PacketTooBig ? (uint)mtu : 0u);
        offending[..quoted].CopyTo(icmp[IcmpHeaderSize..]);
        var sum = InternetChecksum.Ipv6PseudoHeader(packet.Slice(8, 16), packet.Slice(24, 16), icmpLength, IpPacket.ProtocolIcmpV6);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], InternetChecksum.Finish(InternetChecksum.Add(sum, icmp[..icmpLength])));
        return total;
    }

    private static int WriteV4(IcmpError error, ReadOnlySpan<byte> offending, ReadOnlySpan<byte> router, int mtu, Span<byte> output)
    {
        const int headerSize = IpPacket.Ipv4MinHeaderSize;
        var quoted = Math.Min(offending.Length, MaxIcmpV4Size - headerSize - IcmpHeaderSize);
        var icmpLength = IcmpHeaderSize + quoted;
        var total = headerSize + icmpLength;
        var packet = output[..total];
        packet[..headerSize].Clear();
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)total);
        packet[8] = GeneratedHopLimit;
        packet[9] = IpPacket.ProtocolIcmpV4;
        router.CopyTo(packet[12..]);
        offending.Slice(12, 4).CopyTo(packet[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], InternetChecksum.Finish(InternetChecksum.Add(0, packet[..headerSize])));

        var icmp = packet[headerSize..];
        (icmp[0], icmp[1]) = error switch
        {
            IcmpError.NoRoute => ((byte)3, (byte)1),
            IcmpError.PacketTooBig => ((byte)3, (byte)4),
            _ => ((byte)11, (byte)0),
        };
        icmp[2] = 0;
        icmp[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], error == IcmpError.PacketTooBig ? (uint)(ushort)mtu : 0u);
        offending[..quoted].CopyTo(icmp[IcmpHeaderSize..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], InternetChecksum.Finish(InternetChecksum.Add(0, icmp[..icmpLength])));
        return total;
    }

    /// <summary>Not multicast, and not an ICMPv6 error (types below 128) — errors about errors could loop.</summary>
    private static bool MayAnswerV6(ReadOnlySpan<byte> packet)
    {
        if (packet[24] == 0xff)
        {
            return false;
        }

        return packet[6] != IpPacket.ProtocolIcmpV6 || packet.Length < IpPacket.Ipv6HeaderSize + 1 || packet[IpPacket.Ipv6HeaderSize] >= 128;
    }

    /// <summary>Not multicast/broadcast, not a non-first fragment, and not an ICMPv4 error.</summary>
    private static bool MayAnswerV4(ReadOnlySpan<byte> packet)
    {
        if (packet[16] >= 224 || (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1fff) != 0)
        {
            return false;
        }

        if (packet[9] != IpPacket.ProtocolIcmpV4)
        {
            return true;
        }

        var headerLength = IpPacket.HeaderLength(packet, IpVersion.V4);
        // Only queries may be answered with an error: echo request/reply (8, 0), timestamp (13, 14), etc.
        return packet.Length > headerLength && packet[headerLength] is 0 or 8 or 13 or 14;
    }
}
