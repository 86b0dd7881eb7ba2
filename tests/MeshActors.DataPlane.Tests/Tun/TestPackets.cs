using System.Buffers.Binary;
using System.Net;

namespace MeshActors.DataPlane.Tests.Tun;

/// <summary>Builds and inspects the few IPv6 packets the TUN tests exchange with the kernel.</summary>
internal static class TestPackets
{
    public const int Ipv6HeaderLength = 40;
    public const byte NextHeaderUdp = 17;
    public const byte NextHeaderIcmpV6 = 58;
    public const byte IcmpV6EchoRequest = 128;
    public const byte IcmpV6EchoReply = 129;

    private const byte HopLimit = 64;
    private const int IcmpEchoHeaderLength = 8;
    private const int UdpHeaderLength = 8;

    public static byte[] EchoRequest(IPAddress source, IPAddress destination, ushort id, ushort sequence, ReadOnlySpan<byte> payload)
    {
        var packet = Ipv6(source, destination, NextHeaderIcmpV6, IcmpEchoHeaderLength + payload.Length);
        var icmp = packet.AsSpan(Ipv6HeaderLength);
        icmp[0] = IcmpV6EchoRequest;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], sequence);
        payload.CopyTo(icmp[IcmpEchoHeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum(packet, NextHeaderIcmpV6));
        return packet;
    }

    public static byte[] Udp(IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        var packet = Ipv6(source, destination, NextHeaderUdp, UdpHeaderLength + payload.Length);
        var udp = packet.AsSpan(Ipv6HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(UdpHeaderLength + payload.Length));
        payload.CopyTo(udp[UdpHeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], Checksum(packet, NextHeaderUdp));
        return packet;
    }

    public const byte NextHeaderTcp = 6;
    public const byte TcpFin = 0x01;
    public const byte TcpSyn = 0x02;
    public const byte TcpAck = 0x10;

    /// <summary>An IPv6 TCP segment with a 20-byte header (24 with an MSS option) and a valid checksum.</summary>
    public static byte[] Tcp(
        IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort, uint sequence, uint acknowledgement, byte flags,
        ReadOnlySpan<byte> payload, ushort? maximumSegmentSize = null)
    {
        var header = maximumSegmentSize is null ? 20 : 24;
        var packet = Ipv6(source, destination, NextHeaderTcp, header + payload.Length);
        var tcp = packet.AsSpan(Ipv6HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], acknowledgement);
        tcp[12] = (byte)(header / 4 << 4);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 65535);
        if (maximumSegmentSize is { } mss)
        {
            tcp[20] = 2;
            tcp[21] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(tcp[22..], mss);
        }

        payload.CopyTo(tcp[header..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum(packet, NextHeaderTcp));
        return packet;
    }

    /// <summary>Ports, numbers and flags of an IPv6 TCP segment, and where its data starts.</summary>
    public static (ushort SourcePort, ushort DestinationPort, uint Sequence, uint Acknowledgement, byte Flags, int DataOffset) TcpFields(ReadOnlySpan<byte> packet)
    {
        var tcp = packet[Ipv6HeaderLength..];
        return (BinaryPrimitives.ReadUInt16BigEndian(tcp), BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]), BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]), tcp[13],
            Ipv6HeaderLength + ((tcp[12] >> 4) * 4));
    }

    public static bool IsIpv6(ReadOnlySpan<byte> packet) => packet.Length >= Ipv6HeaderLength && packet[0] >> 4 == 6;

    public static byte NextHeader(ReadOnlySpan<byte> packet) => packet[6];

    public static IPAddress Source(ReadOnlySpan<byte> packet) => new(packet.Slice(8, 16));

    public static IPAddress Destination(ReadOnlySpan<byte> packet) => new(packet.Slice(24, 16));

    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> packet) => packet[Ipv6HeaderLength..];

    /// <summary>True if the checksum over pseudo-header and upper-layer data verifies (sums to 0xffff).</summary>
    public static bool ChecksumValid(ReadOnlySpan<byte> packet) => Sum(packet, NextHeader(packet)) == 0xffff;

    private static byte[] Ipv6(IPAddress source, IPAddress destination, byte nextHeader, int payloadLength)
    {
        var packet = new byte[Ipv6HeaderLength + payloadLength];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payloadLength);
        packet[6] = nextHeader;
        packet[7] = HopLimit;
        source.TryWriteBytes(packet.AsSpan(8, 16), out _);
        destination.TryWriteBytes(packet.AsSpan(24, 16), out _);
        return packet;
    }

    private static ushort Checksum(ReadOnlySpan<byte> packet, byte nextHeader) => (ushort)~Sum(packet, nextHeader);

    /// <summary>RFC 8200 §8.1 pseudo-header (addresses, upper-layer length, next header) plus the payload, folded.</summary>
    private static ushort Sum(ReadOnlySpan<byte> packet, byte nextHeader)
    {
        var payload = packet[Ipv6HeaderLength..];
        uint sum = 0;
        var addresses = packet.Slice(8, 32);
        for (var i = 0; i < addresses.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(addresses[i..]);
        }

        sum += (uint)payload.Length + nextHeader;
        for (var i = 0; i + 1 < payload.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(payload[i..]);
        }

        if (payload.Length % 2 == 1)
        {
            sum += (uint)payload[^1] << 8;
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)sum;
    }
}
