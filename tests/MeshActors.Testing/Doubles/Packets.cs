using System.Buffers.Binary;
using System.Net;
using MeshActors.Protocol.Ip;

namespace MeshActors.Testing.Doubles;

/// <summary>Builds IPv6/IPv4 test packets with correct lengths and checksums, and verifies checksums independently.</summary>
public static class Packets
{
    public const byte Udp = 17;

    /// <param name="sourcePort">The UDP source port: distinct ports make distinct flows.</param>
    public static byte[] Udp6(
        IPAddress source, IPAddress destination, ReadOnlySpan<byte> payload, byte hopLimit = 64, byte nextHeader = Udp, ushort sourcePort = 40000)
    {
        var packet = new byte[40 + 8 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(8 + payload.Length));
        packet[6] = nextHeader;
        packet[7] = hopLimit;
        source.GetAddressBytes().CopyTo(packet, 8);
        destination.GetAddressBytes().CopyTo(packet, 24);
        var udp = packet.AsSpan(40);
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 5000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], Ipv6UpperChecksum(packet));
        return packet;
    }

    public static byte[] Udp4(IPAddress source, IPAddress destination, ReadOnlySpan<byte> payload, byte ttl = 64)
    {
        var packet = new byte[20 + 8 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[6] = 0x40; // don't fragment
        packet[8] = ttl;
        packet[9] = Udp;
        source.GetAddressBytes().CopyTo(packet, 12);
        destination.GetAddressBytes().CopyTo(packet, 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Ones(packet.AsSpan(0, 20)));
        var udp = packet.AsSpan(20);
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 5000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        return packet;
    }

    /// <summary>
    /// The IPv6 upper-layer checksum recomputed from scratch (pseudo-header + data, RFC 8200 §8.1) with the
    /// checksum field taken as zero: a verifier independent of the production <see cref="InternetChecksum"/>.
    /// </summary>
    public static ushort Ipv6UpperChecksum(ReadOnlySpan<byte> packet)
    {
        var upper = packet[40..].ToArray();
        var checksumOffset = packet[6] == IpPacket.ProtocolIcmpV6 ? 2 : 6;
        upper[checksumOffset] = 0;
        upper[checksumOffset + 1] = 0;
        var pseudo = new byte[40 + upper.Length];
        packet.Slice(8, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)upper.Length);
        pseudo[39] = packet[6];
        upper.CopyTo(pseudo, 40);
        return Ones(pseudo);
    }

    public static IPAddress Source(ReadOnlySpan<byte> packet) =>
        packet[0] >> 4 == 6 ? new IPAddress(packet.Slice(8, 16)) : new IPAddress(packet.Slice(12, 4));

    public static IPAddress Destination(ReadOnlySpan<byte> packet) =>
        packet[0] >> 4 == 6 ? new IPAddress(packet.Slice(24, 16)) : new IPAddress(packet.Slice(16, 4));

    /// <summary>Plain RFC 1071 sum written as the textbook loop, complemented.</summary>
    private static ushort Ones(ReadOnlySpan<byte> data)
    {
        long sum = 0;
        for (var i = 0; i < data.Length; i += 2)
        {
            var high = data[i] << 8;
            var low = i + 1 < data.Length ? data[i + 1] : 0;
            sum += high | low;
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
