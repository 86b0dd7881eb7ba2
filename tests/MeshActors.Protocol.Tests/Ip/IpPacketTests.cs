using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshActors.Protocol.Ip;
using static MeshActors.Protocol.Tests.Ip.IpTestPackets;

namespace MeshActors.Protocol.Tests.Ip;

public sealed class IpPacketTests
{
    [Fact]
    public void Parses_ipv6_addresses_and_protocol()
    {
        var packet = Ipv6(HostA, HostB, 17, 20);

        Assert.Equal(IpVersion.V6, IpPacket.TryParse(packet));
        Assert.Equal(HostA, IpPacket.Source(packet, IpVersion.V6).ToArray());
        Assert.Equal(HostB, IpPacket.Destination(packet, IpVersion.V6).ToArray());
        Assert.Equal(17, IpPacket.Protocol(packet, IpVersion.V6));
    }

    [Fact]
    public void Parses_ipv4_addresses_and_protocol()
    {
        var packet = Ipv4([10, 0, 0, 1], [192, 168, 1, 2], 6, 20);

        Assert.Equal(IpVersion.V4, IpPacket.TryParse(packet));
        Assert.Equal(new byte[] { 10, 0, 0, 1 }, IpPacket.Source(packet, IpVersion.V4).ToArray());
        Assert.Equal(new byte[] { 192, 168, 1, 2 }, IpPacket.Destination(packet, IpVersion.V4).ToArray());
        Assert.Equal(6, IpPacket.Protocol(packet, IpVersion.V4));
        Assert.Equal(20, IpPacket.HeaderLength(packet, IpVersion.V4));
    }

    [Fact]
    public void Length_fields_must_match_the_span()
    {
        var v6 = Ipv6(HostA, HostB, 17, 20);
        var v4 = Ipv4([10, 0, 0, 1], [10, 0, 0, 2], 17, 20);

        Assert.Equal(IpVersion.None, IpPacket.TryParse(v6.AsSpan(0, v6.Length - 1)));
        Assert.Equal(IpVersion.None, IpPacket.TryParse(v4.AsSpan(0, v4.Length - 1)));
        Assert.Equal(IpVersion.None, IpPacket.TryParse(v6.AsSpan(0, 39)));
        Assert.Equal(IpVersion.None, IpPacket.TryParse([]));
        v4[0] = 0x44; // IHL 4 words: shorter than the minimum header
        Assert.Equal(IpVersion.None, IpPacket.TryParse(v4));
    }

    [Property]
    public Property Random_bytes_never_throw_and_accepted_ones_are_self_consistent(byte[] bytes)
    {
        var version = IpPacket.TryParse(bytes);
        return (version == IpVersion.None
                || (IpPacket.Destination(bytes, version).Length == (version == IpVersion.V6 ? 16 : 4)
                    && IpPacket.HeaderLength(bytes, version) <= bytes.Length))
            .ToProperty();
    }

    [Fact]
    public void Internet_checksum_matches_the_rfc_1071_example()
    {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];

        Assert.Equal(0x220d, InternetChecksum.Finish(InternetChecksum.Add(0, data)));
    }

    [Property]
    public Property Internet_checksum_equals_the_textbook_sum(byte[] data) =>
        (InternetChecksum.Finish(InternetChecksum.Add(0, data)) == (ushort)~Sum(data)).ToProperty();

    [Theory]
    [InlineData("ff020000000000000000000000000002", "fd6d0000000000000000000000000001", true)]  // router solicitation
    [InlineData("ff020000000000000000000000000016", "fd6d0000000000000000000000000001", true)]  // MLDv2 report
    [InlineData("fd6d1111111111110000000000000002", "fe800000000000000000000000000001", true)]  // link-local source
    [InlineData("fd6d1111111111110000000000000002", "00000000000000000000000000000000", true)]  // DAD, unspecified source
    [InlineData("fd6d1111111111110000000000000002", "fd6d0000000000000000000000000001", false)] // overlay unicast
    public void Kernel_noise_filter_drops_multicast_and_link_local_only(string destination, string source, bool noise)
    {
        var packet = Ipv6(Convert.FromHexString(source), Convert.FromHexString(destination), 58, 8);

        Assert.Equal(noise, KernelNoiseFilter.IsNoise(packet, IpVersion.V6));
    }

    [Fact]
    public void Kernel_noise_filter_for_ipv4()
    {
        Assert.True(KernelNoiseFilter.IsNoise(Ipv4([10, 0, 0, 1], [224, 0, 0, 22], 2, 8), IpVersion.V4));
        Assert.True(KernelNoiseFilter.IsNoise(Ipv4([10, 0, 0, 1], [255, 255, 255, 255], 17, 8), IpVersion.V4));
        Assert.True(KernelNoiseFilter.IsNoise(Ipv4([0, 0, 0, 0], [10, 0, 0, 2], 17, 8), IpVersion.V4));
        Assert.False(KernelNoiseFilter.IsNoise(Ipv4([10, 0, 0, 1], [10, 0, 0, 2], 17, 8), IpVersion.V4));
    }
}
