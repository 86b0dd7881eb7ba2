using MeshActors.Protocol;
using MeshActors.Routing.Ipv4;

namespace MeshActors.Routing.Tests.Ipv4;

public sealed class Ipv4AutoAddressTests
{
    private static readonly Ipv4Network Network = new(IpPrefix.Parse("10.250.0.0/16"));

    [Fact]
    public void Candidates_are_hosts_of_the_network_and_depend_only_on_key_and_attempt()
    {
        var key = Key(7);
        for (uint attempt = 0; attempt < 1000; attempt++)
        {
            var address = Network.Candidate(key, attempt);
            Assert.True(Network.Contains(address));
            Assert.NotEqual(0x0afa0000u, address);
            Assert.NotEqual(0x0afaffffu, address);
            Assert.Equal(address, Network.Candidate(Key(7), attempt));
        }

        Assert.NotEqual(Network.Candidate(Key(7), 0), Network.Candidate(Key(8), 0));
    }

    [Fact]
    public void A_tiny_network_still_avoids_network_and_broadcast()
    {
        var slash30 = new Ipv4Network(IpPrefix.Parse("10.0.0.4/30"));
        Assert.Equal(2u, slash30.HostCount);
        for (uint attempt = 0; attempt < 100; attempt++)
        {
            Assert.InRange(slash30.Candidate(Key(1), attempt), 0x0a000005u, 0x0a000006u);
        }
    }

    [Fact]
    public void Between_two_automatic_holders_the_larger_key_moves_and_the_smaller_stays()
    {
        var small = new Ipv4AutoAddress(Network, Key(1));
        var large = new Ipv4AutoAddress(Network, Key(2));

        Assert.False(small.Resolve([new Ipv4Claimant(Key(2), IsAutomatic: true)], _ => false));
        var before = large.Address;
        Assert.True(large.Resolve([new Ipv4Claimant(Key(1), IsAutomatic: true)], _ => false));
        Assert.NotEqual(before, large.Address);
        Assert.Equal(Network.Candidate(Key(2), 1), large.Address);
        Assert.Equal(1, large.Moves);
    }

    [Fact]
    public void A_configured_holder_always_wins_and_taken_candidates_are_skipped()
    {
        var auto = new Ipv4AutoAddress(Network, Key(1));
        var taken = new HashSet<uint> { auto.Address, Network.Candidate(Key(1), 1), Network.Candidate(Key(1), 2) };

        Assert.True(auto.Resolve([new Ipv4Claimant(Key(200), IsAutomatic: false)], taken.Contains));

        Assert.Equal(3u, auto.Attempt);
        Assert.Equal(Network.Candidate(Key(1), 3), auto.Address);
    }

    [Theory]
    [InlineData("10.0.0.0/7")]
    [InlineData("10.0.0.0/31")]
    [InlineData("fd00::/64")]
    public void Networks_outside_8_to_30_are_refused(string cidr)
    {
        Assert.Throws<ArgumentException>(() => new Ipv4Network(IpPrefix.Parse(cidr)));
    }

    private static byte[] Key(byte first)
    {
        var key = new byte[32];
        key[0] = first;
        return key;
    }
}
