using System.Buffers.Binary;

namespace MeshActors.Protocol.Ip;

/// <summary>
/// Zero-copy views of the fixed IPv4 / IPv6 header fields the forwarder needs. <see cref="TryParse"/> validates
/// version, header length and the total-length field against the span, so every other accessor may assume a
/// well-formed header. Never allocates.
/// </summary>
public static class IpPacket
{
    public const int Ipv6HeaderSize = 40;
    public const int Ipv4MinHeaderSize = 20;

    public const byte ProtocolIcmpV4 = 1;
    public const byte ProtocolIcmpV6 = 58;

    /// <summary>
    /// Checks the packet is a whole IPv4 or IPv6 packet: the length the header declares equals the span length
    /// (a TUN device and a decrypted payload both hand over exactly one packet).
    /// </summary>
    public static IpVersion TryParse(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return IpVersion.None;
        }

        switch (packet[0] >> 4)
        {
            case 6:
                return packet.Length >= Ipv6HeaderSize
                    && BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) + Ipv6HeaderSize == packet.Length
                    ? IpVersion.V6
                    : IpVersion.None;
            case 4:
                if (packet.Length < Ipv4MinHeaderSize)
                {
                    return IpVersion.None;
                }

                var headerLength = (packet[0] & 0x0f) * 4;
                return headerLength >= Ipv4MinHeaderSize
                    && headerLength <= packet.Length
                    && BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) == packet.Length
                    ? IpVersion.V4
                    : IpVersion.None;
            default:
                return IpVersion.None;
        }
    }

    /// <summary>Destination address of a parsed packet: 16 bytes (IPv6) or 4 (IPv4).</summary>
    public static ReadOnlySpan<byte> Destination(ReadOnlySpan<byte> packet, IpVersion version) =>
        version == IpVersion.V6 ? packet.Slice(24, 16) : packet.Slice(16, 4);

    /// <summary>Source address of a parsed packet: 16 bytes (IPv6) or 4 (IPv4).</summary>
    public static ReadOnlySpan<byte> Source(ReadOnlySpan<byte> packet, IpVersion version) =>
        version == IpVersion.V6 ? packet.Slice(8, 16) : packet.Slice(12, 4);

    /// <summary>IPv6 next header (first one, before any extension header) or IPv4 protocol.</summary>
    public static byte Protocol(ReadOnlySpan<byte> packet, IpVersion version) => version == IpVersion.V6 ? packet[6] : packet[9];

    /// <summary>True for an IPv4 fragment (more fragments, or an offset): its transport header is not whole or not there.
    /// IPv6 fragments carry an extension header, which <see cref="Protocol"/> already shows.</summary>
    public static bool IsFragment(ReadOnlySpan<byte> packet, IpVersion version) =>
        version == IpVersion.V4 && (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3fff) != 0;

    /// <summary>Header length in bytes: 40 for IPv6 (extension headers count as payload here), IHL × 4 for IPv4.</summary>
    public static int HeaderLength(ReadOnlySpan<byte> packet, IpVersion version) => version == IpVersion.V6 ? Ipv6HeaderSize : (packet[0] & 0x0f) * 4;
}
