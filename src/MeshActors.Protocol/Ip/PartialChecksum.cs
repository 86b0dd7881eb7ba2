using System.Buffers.Binary;

namespace MeshActors.Protocol.Ip;

/// <summary>
/// Turns a TCP or UDP packet whose checksum is complete into one a device completes (Linux CHECKSUM_PARTIAL,
/// virtio-net NEEDS_CSUM): the checksum field then holds the folded pseudo-header sum, and whoever needs the checksum
/// sums the transport header and data on top of it. A kernel that delivers such a packet locally trusts it without
/// summing it again; one that forwards it (an exit) completes the sum, after NAT too. The node only does this for
/// packets authenticated end to end, whose checksum therefore protects nothing the seal does not.
/// </summary>
public static class PartialChecksum
{
    public const byte ProtocolTcp = 6;
    public const byte ProtocolUdp = 17;

    /// <summary>Offset of the checksum field in a TCP header.</summary>
    public const int TcpChecksumOffset = 16;

    /// <summary>Offset of the checksum field in a UDP header.</summary>
    public const int UdpChecksumOffset = 6;

    /// <summary>
    /// Rewrites the checksum field of a whole, unfragmented IPv4 or IPv6 packet carrying TCP or UDP right after its IP
    /// header; <paramref name="start"/> is where the transport header begins and <paramref name="offset"/> where its
    /// checksum field is, from there. False, with the packet unchanged, for anything else: other protocols, IPv6
    /// extension headers, fragments, lengths that disagree, transport headers cut short, and IPv4 UDP sent without a
    /// checksum (zero).
    /// </summary>
    public static bool TryMark(Span<byte> packet, out int start, out int offset)
    {
        (start, offset) = (0, 0);
        var version = IpPacket.TryParse(packet);
        if (version == IpVersion.None)
        {
            return false;
        }

        var protocol = IpPacket.Protocol(packet, version);
        if (protocol is not (ProtocolTcp or ProtocolUdp)
            || IpPacket.IsFragment(packet, version))
        {
            return false;
        }

        var headerLength = IpPacket.HeaderLength(packet, version);
        var transportLength = packet.Length - headerLength;
        var fieldOffset = protocol == ProtocolTcp ? TcpChecksumOffset : UdpChecksumOffset;
        if (transportLength < (protocol == ProtocolTcp ? 20 : 8))
        {
            return false;
        }

        var field = packet.Slice(headerLength + fieldOffset, 2);
        if (version == IpVersion.V4 && protocol == ProtocolUdp && BinaryPrimitives.ReadUInt16BigEndian(field) == 0)
        {
            return false;
        }

        var sum = InternetChecksum.TransportPseudoHeader(packet, version, protocol, transportLength);
        BinaryPrimitives.WriteUInt16BigEndian(field, InternetChecksum.Fold(sum));
        (start, offset) = (headerLength, fieldOffset);
        return true;
    }

    /// <summary>
    /// Completes a checksum a kernel left partial (virtio-net NEEDS_CSUM): sums everything from
    /// <paramref name="start"/> to the end, the field at <paramref name="start"/> + <paramref name="offset"/> (which
    /// holds the pseudo-header sum) included, and stores the complement there. False, with the packet unchanged, when
    /// the field does not lie inside the packet.
    /// </summary>
    public static bool TryComplete(Span<byte> packet, int start, int offset)
    {
        if (start < 0 || offset < 0 || (long)start + offset + 2 > packet.Length)
        {
            return false;
        }

        var field = packet.Slice(start + offset, 2);
        var checksum = InternetChecksum.Finish(InternetChecksum.Add(0, packet[start..]));
        if (checksum == 0 && offset == UdpChecksumOffset && packet.Length > start && IsUdp(packet, start))
        {
            // A UDP checksum that comes out zero is sent as all ones: zero would mean "no checksum".
            checksum = 0xffff;
        }

        BinaryPrimitives.WriteUInt16BigEndian(field, checksum);
        return true;
    }

    private static bool IsUdp(ReadOnlySpan<byte> packet, int transportStart)
    {
        var version = IpPacket.TryParse(packet);
        return version != IpVersion.None
            && IpPacket.HeaderLength(packet, version) == transportStart
            && IpPacket.Protocol(packet, version) == ProtocolUdp;
    }
}
