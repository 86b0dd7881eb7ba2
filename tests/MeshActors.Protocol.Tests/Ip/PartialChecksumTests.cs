using System.Buffers.Binary;
using FsCheck.Xunit;
using MeshActors.Protocol.Ip;

namespace MeshActors.Protocol.Tests.Ip;

public sealed class PartialChecksumTests
{
    private static readonly byte[] V6Source = [0xfd, 0x6d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    private static readonly byte[] V6Destination = [0xfd, 0x6d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

    [Property(MaxTest = 200)]
    public bool Completing_a_marked_packet_gives_back_its_original_checksum(byte[] data, bool ipv6, bool tcp)
    {
        var packet = Packet(ipv6, tcp ? PartialChecksum.ProtocolTcp : PartialChecksum.ProtocolUdp, data);
        var original = packet.ToArray();

        Assert.True(PartialChecksum.TryMark(packet, out var start, out var offset));

        Assert.Equal(ipv6 ? 40 : 20, start);
        Assert.Equal(tcp ? 16 : 6, offset);
        Assert.True(PartialChecksum.TryComplete(packet, start, offset));
        return packet.AsSpan().SequenceEqual(original);
    }

    [Fact]
    public void Completing_refuses_a_checksum_field_outside_the_packet()
    {
        var packet = Packet(ipv6: true, PartialChecksum.ProtocolTcp, new byte[4]);
        var before = packet.ToArray();

        Assert.False(PartialChecksum.TryComplete(packet, packet.Length - 1, 0));
        Assert.False(PartialChecksum.TryComplete(packet, 40, packet.Length));
        Assert.False(PartialChecksum.TryComplete(packet, -1, 16));
        Assert.Equal(before, packet);
    }

    [Fact]
    public void Other_protocols_fragments_extension_headers_short_headers_and_bad_lengths_are_left_alone()
    {
        var icmp = Packet(ipv6: false, protocol: 1, new byte[8]);
        var fragment = Packet(ipv6: false, PartialChecksum.ProtocolUdp, new byte[8]);
        fragment[6] = 0x20; // more fragments
        var laterFragment = Packet(ipv6: false, PartialChecksum.ProtocolUdp, new byte[8]);
        laterFragment[7] = 0x10; // fragment offset 16
        var extension = Packet(ipv6: true, protocol: 0, new byte[16]); // hop-by-hop options first
        var shortTcp = Packet(ipv6: true, PartialChecksum.ProtocolTcp, new byte[4])[..(40 + 12)];
        BinaryPrimitives.WriteUInt16BigEndian(shortTcp.AsSpan(4), 12);
        var badLength = Packet(ipv6: true, PartialChecksum.ProtocolUdp, new byte[8]);
        badLength[5]++;
        var noUdpChecksum = Packet(ipv6: false, PartialChecksum.ProtocolUdp, new byte[8]);
        noUdpChecksum[20 + 6] = noUdpChecksum[20 + 7] = 0;

        foreach (var packet in new[] { icmp, fragment, laterFragment, extension, shortTcp, badLength, noUdpChecksum, [] })
        {
            var before = packet.ToArray();
            Assert.False(PartialChecksum.TryMark(packet, out _, out _));
            Assert.Equal(before, packet);
        }
    }

    /// <summary>An IP packet with a complete, valid transport checksum over a transport header plus <paramref name="data"/>.</summary>
    private static byte[] Packet(bool ipv6, byte protocol, byte[] data)
    {
        var transportHeader = protocol == PartialChecksum.ProtocolTcp ? 20 : 8;
        var ipHeader = ipv6 ? 40 : 20;
        var transportLength = transportHeader + data.Length;
        var packet = new byte[ipHeader + transportLength];
        if (ipv6)
        {
            packet[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)transportLength);
            packet[6] = protocol;
            packet[7] = 64;
            V6Source.CopyTo(packet, 8);
            V6Destination.CopyTo(packet, 24);
        }
        else
        {
            packet[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            packet[8] = 64;
            packet[9] = protocol;
            byte[] source = [10, 0, 0, 1], destination = [10, 0, 0, 2];
            source.CopyTo(packet, 12);
            destination.CopyTo(packet, 16);
        }

        var transport = packet.AsSpan(ipHeader);
        BinaryPrimitives.WriteUInt16BigEndian(transport, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(transport[2..], 443);
        if (protocol == PartialChecksum.ProtocolUdp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(transport[4..], (ushort)transportLength);
        }
        else
        {
            transport[12] = 0x50;
        }

        data.CopyTo(transport[transportHeader..]);
        if (protocol is PartialChecksum.ProtocolTcp or PartialChecksum.ProtocolUdp)
        {
            var pseudo = ipv6
                ? InternetChecksum.Ipv6PseudoHeader(packet.AsSpan(8, 16), packet.AsSpan(24, 16), transportLength, protocol)
                : InternetChecksum.Add(InternetChecksum.Add(0, packet.AsSpan(12, 4)), packet.AsSpan(16, 4)) + protocol + (uint)transportLength;
            var checksum = InternetChecksum.Finish(InternetChecksum.Add(pseudo, transport));
            var field = protocol == PartialChecksum.ProtocolTcp ? 16 : 6;
            BinaryPrimitives.WriteUInt16BigEndian(transport[field..], protocol == PartialChecksum.ProtocolUdp && checksum == 0 ? (ushort)0xffff : checksum);
        }

        return packet;
    }
}
