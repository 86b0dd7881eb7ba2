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
            || (version == IpVersion.V4 && (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3fff) != 0))
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

        var source = IpPacket.Source(packet, version);
        var destination = IpPacket.Destination(packet, version);
        var sum = version == IpVersion.V6
            ? InternetChecksum.Ipv6PseudoHeader(source, destination, transportLength, protocol)
            : InternetChecksum.Add(InternetChecksum.Add(0, source), destination) + protocol + (uint)transportLength;
        BinaryPrimitives.WriteUInt16BigEndian(field, InternetChecksum.Fold(sum));
        (start, offset) = (headerLength, fieldOffset);
        return true;
    }
}
