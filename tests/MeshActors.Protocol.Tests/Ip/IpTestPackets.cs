using System.Buffers.Binary;

namespace MeshActors.Protocol.Tests.Ip;

/// <summary>Hand-built packets and a textbook checksum, independent of the code under test.</summary>
internal static class IpTestPackets
{
    public static readonly byte[] HostA = Convert.FromHexString("fd6d0000000000000000000000000001");
    public static readonly byte[] HostB = Convert.FromHexString("fd6d1111111111110000000000000002");
    public static readonly byte[] Router = Convert.FromHexString("fd6d2222222222220000000000000003");

    public static byte[] Ipv6(byte[] source, byte[] destination, byte nextHeader, int payloadLength, byte firstPayloadByte = 0)
    {
        var packet = new byte[40 + payloadLength];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payloadLength);
        packet[6] = nextHeader;
        packet[7] = 64;
        source.CopyTo(packet, 8);
        destination.CopyTo(packet, 24);
        if (payloadLength > 0)
        {
            packet[40] = firstPayloadByte;
        }

        for (var i = 41; i < packet.Length; i++)
        {
            packet[i] = (byte)i;
        }

        return packet;
    }

    public static byte[] Ipv4(byte[] source, byte[] destination, byte protocol, int payloadLength, byte firstPayloadByte = 0)
    {
        var packet = new byte[20 + payloadLength];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[6] = 0x40;
        packet[8] = 64;
        packet[9] = protocol;
        source.CopyTo(packet, 12);
        destination.CopyTo(packet, 16);
        if (payloadLength > 0)
        {
            packet[20] = firstPayloadByte;
        }

        return packet;
    }

    /// <summary>RFC 1071 sum folded, not complemented.</summary>
    public static int Sum(ReadOnlySpan<byte> data)
    {
        long sum = 0;
        for (var i = 0; i < data.Length; i += 2)
        {
            sum += (data[i] << 8) | (i + 1 < data.Length ? data[i + 1] : 0);
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (int)sum;
    }

    /// <summary>True when the ICMPv6 message in <paramref name="packet"/> verifies over the pseudo-header.</summary>
    public static bool Icmp6ChecksumValid(ReadOnlySpan<byte> packet)
    {
        var upper = packet[40..];
        var pseudo = new byte[40 + upper.Length];
        packet.Slice(8, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)upper.Length);
        pseudo[39] = 58;
        upper.CopyTo(pseudo.AsSpan(40));
        return Sum(pseudo) == 0xffff;
    }
}
