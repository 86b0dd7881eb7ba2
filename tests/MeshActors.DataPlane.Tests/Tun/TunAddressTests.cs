using System.Net;
using MeshActors.DataPlane.Tun;

namespace MeshActors.DataPlane.Tests.Tun;

public sealed class TunAddressTests
{
    [Theory]
    [InlineData("10.220.0.1/32", "10.220.0.1", 32)]
    [InlineData("10.220.0.1/24", "10.220.0.1", 24)]
    [InlineData("fd6d:1:2:3::1/64", "fd6d:1:2:3::1", 64)]
    [InlineData("fd6d::7", "fd6d::7", 128)]
    [InlineData("10.1.2.3", "10.1.2.3", 32)]
    public void Parse_keeps_the_host_bits_and_the_length(string text, string address, int length)
    {
        var parsed = TunAddress.Parse(text);

        Assert.Equal(IPAddress.Parse(address), parsed.Address);
        Assert.Equal(length, parsed.PrefixLength);
        Assert.Equal($"{address}/{length}", parsed.ToString());
    }

    [Theory]
    [InlineData("10.0.0.1/33")]
    [InlineData("fd6d::1/129")]
    [InlineData("10.0.0.1/-1")]
    public void Parse_refuses_lengths_beyond_the_family(string text)
    {
        Assert.ThrowsAny<Exception>(() => TunAddress.Parse(text));
    }

    [Theory]
    [InlineData(1279)]
    [InlineData(65536)]
    public void Options_refuse_an_mtu_no_system_accepts(int mtu)
    {
        Assert.Throws<ArgumentException>(() => new TunOptions { Name = "mesh0", Mtu = mtu }.Validate());
    }
}
