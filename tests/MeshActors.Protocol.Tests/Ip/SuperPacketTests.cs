using System.Buffers.Binary;
using FsCheck;
using FsCheck.Xunit;
using MeshActors.Protocol.Ip;
using static MeshActors.Protocol.Tests.Ip.TcpTestPackets;

namespace MeshActors.Protocol.Tests.Ip;

public sealed class SuperPacketTests
{
    [Property(MaxTest = 150)]
    public bool Segments_carry_the_payload_in_order_with_valid_headers(PositiveInt length, PositiveInt size, bool ipv6, bool tcp, bool push)
    {
        var payloadLength = 1 + (length.Get % 20_000);
        var segmentSize = 1 + (size.Get % 3_000);
        var payload = Enumerable.Range(0, payloadLength).Select(i => (byte)(i * 7)).ToArray();
        var super = tcp ? Tcp(ipv6, 1_000, (byte)(Ack | (push ? Psh : 0)), payload) : Udp(ipv6, payload);
        Scramble(super);

        Assert.True(SuperPacket.TryParse(super, tcp ? PartialChecksum.ProtocolTcp : PartialChecksum.ProtocolUdp, segmentSize, out var shape));
        var segments = Cut(super, shape);

        Assert.Equal((payloadLength + segmentSize - 1) / segmentSize, segments.Count);
        var carried = new List<byte>();
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var last = i == segments.Count - 1;
            Assert.NotEqual(IpVersion.None, IpPacket.TryParse(segment));
            Assert.True(Ipv4HeaderValid(segment));
            Assert.True(TransportChecksumValid(segment));
            Assert.Equal(shape.SegmentLength(i), segment.Length);
            Assert.True(last || segment.Length == shape.HeaderLength + segmentSize);
            if (!ipv6)
            {
                Assert.Equal((ushort)(100 + i), Id(segment));
            }

            if (tcp)
            {
                Assert.Equal((uint)(1_000 + (i * segmentSize)), Sequence(segment));
                Assert.Equal(last && push ? Ack | Psh : Ack, Flags(segment));
            }

            carried.AddRange(segment.AsSpan(shape.HeaderLength).ToArray());
        }

        return carried.SequenceEqual(payload);
    }

    [Fact]
    public void Fin_and_push_stay_on_the_last_segment_and_cwr_on_the_first()
    {
        var super = Tcp(ipv6: false, 5, Ack | Psh | Fin | 0x80, new byte[3_000]);

        Assert.True(SuperPacket.TryParse(super, PartialChecksum.ProtocolTcp, 1_000, out var shape));
        var segments = Cut(super, shape);

        Assert.Equal([Ack | 0x80, Ack, Ack | Psh | Fin], segments.Select(Flags).Select(f => (int)f));
    }

    [Fact]
    public void Sequence_numbers_wrap_around()
    {
        var super = Tcp(ipv6: true, uint.MaxValue - 99, Ack, new byte[300]);

        Assert.True(SuperPacket.TryParse(super, PartialChecksum.ProtocolTcp, 100, out var shape));

        Assert.Equal([uint.MaxValue - 99, 0u, 100u], Cut(super, shape).Select(Sequence));
    }

    [Fact]
    public void Other_protocols_fragments_extension_headers_and_empty_payloads_are_refused()
    {
        var tcp = Tcp(ipv6: false, 1, Ack, new byte[100]);
        var fragment = tcp.ToArray();
        fragment[6] = 0x20;
        var extension = Tcp(ipv6: true, 1, Ack, new byte[100]);
        extension[6] = 0;
        var empty = Tcp(ipv6: true, 1, Ack, []);
        var udpBadLength = Udp(ipv6: true, new byte[100]);
        udpBadLength[40 + 5]++;
        var shortTcp = tcp.ToArray();
        shortTcp[20 + 12] = 0x40;

        Assert.False(SuperPacket.TryParse(tcp, PartialChecksum.ProtocolUdp, 10, out _));
        Assert.False(SuperPacket.TryParse(tcp, PartialChecksum.ProtocolTcp, 0, out _));
        Assert.False(SuperPacket.TryParse(tcp, 1, 10, out _));
        Assert.False(SuperPacket.TryParse(tcp[..^1], PartialChecksum.ProtocolTcp, 10, out _));
        foreach (var packet in new[] { fragment, extension, empty, shortTcp })
        {
            Assert.False(SuperPacket.TryParse(packet, PartialChecksum.ProtocolTcp, 10, out _));
        }

        Assert.False(SuperPacket.TryParse(udpBadLength, PartialChecksum.ProtocolUdp, 10, out _));
    }

    [Fact]
    public void A_destination_too_short_for_the_segment_is_refused()
    {
        var super = Tcp(ipv6: false, 1, Ack, new byte[1_000]);
        Assert.True(SuperPacket.TryParse(super, PartialChecksum.ProtocolTcp, 500, out var shape));

        Assert.Throws<ArgumentException>(() => shape.WriteSegment(super, 0, new byte[shape.HeaderLength + 499]));
        Assert.Throws<ArgumentOutOfRangeException>(() => shape.WriteSegment(super, 2, new byte[2_000]));
    }

    internal static List<byte[]> Cut(byte[] super, SuperPacket shape)
    {
        var segments = new List<byte[]>();
        for (var i = 0; i < shape.SegmentCount; i++)
        {
            var destination = new byte[shape.MaxSegmentLength + 7];
            segments.Add(destination[..shape.WriteSegment(super, i, destination)]);
        }

        return segments;
    }

    /// <summary>A kernel hands a super packet over with checksums left partial: they must not matter.</summary>
    private static void Scramble(byte[] super)
    {
        var ip = IpHeader(super);
        var protocol = ip == 40 ? super[6] : super[9];
        var field = protocol == PartialChecksum.ProtocolTcp ? 16 : 6;
        BinaryPrimitives.WriteUInt16BigEndian(super.AsSpan(ip + field), 0x1234);
        if (ip == 20)
        {
            BinaryPrimitives.WriteUInt16BigEndian(super.AsSpan(10), 0x4321);
        }
    }
}
