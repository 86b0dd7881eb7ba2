using System.Buffers.Binary;

namespace MeshActors.Protocol.Tests.Ip;

/// <summary>TCP and UDP packets built by hand with textbook checksums, and checks of both, independent of the code under test.</summary>
internal static class TcpTestPackets
{
    public const byte Ack = 0x10;
    public const byte Psh = 0x08;
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;

    /// <summary>A TCP packet with a 12-byte timestamp option block, valid IPv4 and TCP checksums.</summary>
    public static byte[] Tcp(bool ipv6, uint sequence, byte flags, ReadOnlySpan<byte> payload, ushort sourcePort = 40000, uint ack = 7, uint timestamp = 1, ushort id = 100)
    {
        var ip = ipv6 ? 40 : 20;
        var packet = new byte[ip + 32 + payload.Length];
        WriteIp(packet, ipv6, 6, id);
        var tcp = packet.AsSpan(ip);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], 5201);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], ack);
        tcp[12] = 8 << 4;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 512);
        tcp[20] = 1;
        tcp[21] = 1;
        tcp[22] = 8;
        tcp[23] = 10;
        BinaryPrimitives.WriteUInt32BigEndian(tcp[24..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[28..], 99);
        payload.CopyTo(tcp[32..]);
        SetTransportChecksum(packet, ipv6, 16);
        return packet;
    }

    public static byte[] Udp(bool ipv6, ReadOnlySpan<byte> payload, ushort id = 100)
    {
        var ip = ipv6 ? 40 : 20;
        var packet = new byte[ip + 8 + payload.Length];
        WriteIp(packet, ipv6, 17, id);
        var udp = packet.AsSpan(ip);
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 5201);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udp.Length);
        payload.CopyTo(udp[8..]);
        SetTransportChecksum(packet, ipv6, 6);
        return packet;
    }

    public static int IpHeader(byte[] packet) => packet[0] >> 4 == 6 ? 40 : (packet[0] & 0x0f) * 4;

    public static bool Ipv4HeaderValid(byte[] packet) => packet[0] >> 4 == 6 || IpTestPackets.Sum(packet.AsSpan(0, 20)) == 0xffff;

    /// <summary>True when the TCP or UDP checksum verifies over the pseudo-header.</summary>
    public static bool TransportChecksumValid(byte[] packet) => IpTestPackets.Sum(PseudoAndTransport(packet)) == 0xffff;

    public static uint Sequence(byte[] packet) => BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(IpHeader(packet) + 4));

    public static byte Flags(byte[] packet) => packet[IpHeader(packet) + 13];

    public static ushort Id(byte[] packet) => BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4));

    private static void WriteIp(byte[] packet, bool ipv6, byte protocol, ushort id)
    {
        if (ipv6)
        {
            packet[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(packet.Length - 40));
            packet[6] = protocol;
            packet[7] = 64;
            IpTestPackets.HostA.CopyTo(packet, 8);
            IpTestPackets.HostB.CopyTo(packet, 24);
            return;
        }

        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        packet[6] = 0x40;
        packet[8] = 64;
        packet[9] = protocol;
        new byte[] { 10, 0, 0, 1 }.CopyTo(packet, 12);
        new byte[] { 10, 0, 0, 2 }.CopyTo(packet, 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), (ushort)~IpTestPackets.Sum(packet.AsSpan(0, 20)));
    }

    private static void SetTransportChecksum(byte[] packet, bool ipv6, int field)
    {
        var ip = ipv6 ? 40 : 20;
        packet[ip + field] = packet[ip + field + 1] = 0;
        var sum = (ushort)~IpTestPackets.Sum(PseudoAndTransport(packet));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(ip + field), field == 6 && sum == 0 ? (ushort)0xffff : sum);
    }

    private static byte[] PseudoAndTransport(byte[] packet)
    {
        var ipv6 = packet[0] >> 4 == 6;
        var ip = IpHeader(packet);
        var transport = packet.AsSpan(ip);
        var addresses = ipv6 ? packet.AsSpan(8, 32) : packet.AsSpan(12, 8);
        var pseudo = new byte[addresses.Length + 8 + transport.Length];
        addresses.CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(addresses.Length), (uint)transport.Length);
        pseudo[addresses.Length + 7] = ipv6 ? packet[6] : packet[9];
        transport.CopyTo(pseudo.AsSpan(addresses.Length + 8));
        return pseudo;
    }
}
