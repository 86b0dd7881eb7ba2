using System.Buffers.Binary;
using MeshActors.Protocol.Ip;
using static MeshActors.Protocol.Tests.Ip.IpTestPackets;

namespace MeshActors.Protocol.Tests.Ip;

public sealed class IcmpBuilderTests
{
    [Theory]
    [InlineData(IcmpError.NoRoute, 1, 0, 0u)]
    [InlineData(IcmpError.PacketTooBig, 2, 0, 1335u)]
    [InlineData(IcmpError.TimeExceeded, 3, 0, 0u)]
    public void Icmpv6_error_has_type_code_mtu_addresses_quote_and_valid_checksum(IcmpError error, byte type, byte code, uint mtu)
    {
        var offending = Ipv6(HostA, HostB, 17, 100);
        var output = new byte[IcmpBuilder.MaxIcmpV6Size];

        var length = IcmpBuilder.Write(error, offending, Router, (int)mtu, output);
        var packet = output.AsSpan(0, length);

        Assert.Equal(40 + 8 + offending.Length, length);
        Assert.Equal(IpVersion.V6, IpPacket.TryParse(packet));
        Assert.Equal(58, packet[6]);
        Assert.Equal(Router, packet.Slice(8, 16).ToArray());
        Assert.Equal(HostA, packet.Slice(24, 16).ToArray());
        Assert.Equal(type, packet[40]);
        Assert.Equal(code, packet[41]);
        Assert.Equal(mtu, BinaryPrimitives.ReadUInt32BigEndian(packet[44..]));
        Assert.Equal(offending, packet[48..].ToArray());
        Assert.True(Icmp6ChecksumValid(packet));
    }

    [Fact]
    public void Icmpv6_error_quotes_no_more_than_fits_1280_bytes()
    {
        var offending = Ipv6(HostA, HostB, 17, 9000);
        var output = new byte[IcmpBuilder.MaxIcmpV6Size];

        var length = IcmpBuilder.Write(IcmpError.PacketTooBig, offending, Router, 1280, output);

        Assert.Equal(1280, length);
        Assert.Equal(offending.AsSpan(0, 1280 - 48).ToArray(), output.AsSpan(48, 1280 - 48).ToArray());
        Assert.True(Icmp6ChecksumValid(output));
    }

    [Theory]
    [InlineData(1)]   // destination unreachable
    [InlineData(2)]   // packet too big
    [InlineData(127)] // any error type
    public void No_icmpv6_error_about_an_icmpv6_error(byte errorType)
    {
        var offending = Ipv6(HostA, HostB, 58, 48, firstPayloadByte: errorType);

        Assert.Equal(0, IcmpBuilder.Write(IcmpError.NoRoute, offending, Router, 0, new byte[1280]));
    }

    [Fact]
    public void An_icmpv6_echo_request_does_get_an_error()
    {
        var offending = Ipv6(HostA, HostB, 58, 16, firstPayloadByte: 128);

        Assert.NotEqual(0, IcmpBuilder.Write(IcmpError.NoRoute, offending, Router, 0, new byte[1280]));
    }

    [Fact]
    public void No_error_about_multicast_or_with_a_mismatched_router_family()
    {
        var multicast = Ipv6(HostA, Convert.FromHexString("ff020000000000000000000000000002"), 17, 8);
        var unicast = Ipv6(HostA, HostB, 17, 8);

        Assert.Equal(0, IcmpBuilder.Write(IcmpError.NoRoute, multicast, Router, 0, new byte[1280]));
        Assert.Equal(0, IcmpBuilder.Write(IcmpError.NoRoute, unicast, [10, 0, 0, 1], 0, new byte[1280]));
    }

    [Theory]
    [InlineData(IcmpError.NoRoute, 3, 1, 0)]
    [InlineData(IcmpError.PacketTooBig, 3, 4, 1400)]
    [InlineData(IcmpError.TimeExceeded, 11, 0, 0)]
    public void Icmpv4_error_has_valid_header_and_icmp_checksums(IcmpError error, byte type, byte code, int mtu)
    {
        var offending = Ipv4([10, 0, 0, 1], [10, 9, 9, 9], 17, 1000);
        var output = new byte[IcmpBuilder.MaxIcmpV4Size];

        var length = IcmpBuilder.Write(error, offending, [10, 0, 0, 254], mtu, output);
        var packet = output.AsSpan(0, length);

        Assert.Equal(576, length);
        Assert.Equal(IpVersion.V4, IpPacket.TryParse(packet));
        Assert.Equal(0xffff, Sum(packet[..20]));
        Assert.Equal(0xffff, Sum(packet[20..]));
        Assert.Equal(new byte[] { 10, 0, 0, 254 }, packet.Slice(12, 4).ToArray());
        Assert.Equal(new byte[] { 10, 0, 0, 1 }, packet.Slice(16, 4).ToArray());
        Assert.Equal(type, packet[20]);
        Assert.Equal(code, packet[21]);
        Assert.Equal(mtu, BinaryPrimitives.ReadUInt16BigEndian(packet[26..]));
        Assert.Equal(offending.AsSpan(0, 548).ToArray(), packet[28..].ToArray());
    }

    [Fact]
    public void No_icmpv4_error_about_an_icmpv4_error_but_one_about_an_echo()
    {
        var unreachable = Ipv4([10, 0, 0, 1], [10, 9, 9, 9], 1, 8, firstPayloadByte: 3);
        var echo = Ipv4([10, 0, 0, 1], [10, 9, 9, 9], 1, 8, firstPayloadByte: 8);

        Assert.Equal(0, IcmpBuilder.Write(IcmpError.NoRoute, unreachable, [10, 0, 0, 254], 0, new byte[576]));
        Assert.NotEqual(0, IcmpBuilder.Write(IcmpError.NoRoute, echo, [10, 0, 0, 254], 0, new byte[576]));
    }

    [Fact]
    public void Time_exceeded_can_quote_only_the_head_of_a_packet_sent_earlier()
    {
        var sent = Ipv6(HostA, HostB, 6, 1000);
        var head = sent[..96];
        var output = new byte[IcmpBuilder.MaxIcmpV6Size];

        Assert.Equal(IpVersion.None, IpPacket.TryParse(head)); // its length field says 1,040 bytes
        var length = IcmpBuilder.WriteQuoting(IcmpError.TimeExceeded, head, IpVersion.V6, Router, 0, output);

        Assert.Equal(40 + 8 + 96, length);
        Assert.Equal(3, output[40]);
        Assert.Equal(HostA, output[24..40]);
        Assert.Equal(head, output[48..length]);
        Assert.True(Icmp6ChecksumValid(output.AsSpan(0, length)));
    }

    [Fact]
    public void Time_exceeded_for_the_head_of_an_ipv4_packet_names_the_sender_and_quotes_the_head()
    {
        var source = new byte[] { 10, 220, 0, 1 };
        var sent = Ipv4(source, [10, 220, 0, 3], 17, 500);
        var output = new byte[IcmpBuilder.MaxIcmpV4Size];

        var length = IcmpBuilder.WriteQuoting(IcmpError.TimeExceeded, sent[..96], IpVersion.V4, [10, 220, 0, 2], 0, output);

        Assert.Equal(20 + 8 + 96, length);
        Assert.Equal(IpVersion.V4, IpPacket.TryParse(output.AsSpan(0, length)));
        Assert.Equal(source, output[16..20]);
        Assert.Equal((11, 0), (output[20], output[21]));
        Assert.Equal(0xffff, Sum(output.AsSpan(20, length - 20)));
    }

    [Fact]
    public void Time_exceeded_is_not_written_for_a_head_too_short_or_of_another_version()
    {
        var sent = Ipv6(HostA, HostB, 17, 100);
        var output = new byte[IcmpBuilder.MaxIcmpV6Size];

        Assert.Equal(0, IcmpBuilder.WriteQuoting(IcmpError.TimeExceeded, sent[..39], IpVersion.V6, Router, 0, output));
        Assert.Equal(0, IcmpBuilder.WriteQuoting(IcmpError.TimeExceeded, sent[..96], IpVersion.V4, [10, 0, 0, 1], 0, output));
    }
}
