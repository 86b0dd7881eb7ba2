using System.Net;
using MeshActors.Routing.Names;
using MeshActors.Routing.Nat;

namespace MeshActors.Routing.Tests.Nat;

public sealed class NatObservationsTests
{
    private static readonly LocalEndpoints Lan = new(
        new HashSet<IPAddress> { IPAddress.Parse("192.168.1.10"), IPAddress.Parse("fd00::10") }, new HashSet<int> { 9651 });

    private static KeyBytes Key(byte n) => new([.. Enumerable.Repeat(n, 32)]);

    private static IPEndPoint At(string text) => IPEndPoint.Parse(text);

    [Fact]
    public void Nothing_reported_is_unknown()
    {
        var verdict = new NatObservations(16).Classify(Lan);

        Assert.Equal(NatType.Unknown, verdict.Type);
        Assert.False(verdict.BehindNat);
        Assert.Empty(verdict.Reflexive);
    }

    [Fact]
    public void Two_neighbours_seeing_the_own_address_and_port_mean_no_nat()
    {
        var nat = new NatObservations(16);
        nat.Observe(Key(1), At("192.168.1.10:9651"));
        nat.Observe(Key(2), At("[::ffff:192.168.1.10]:9651"));

        var verdict = nat.Classify(Lan);

        Assert.Equal(NatType.None, verdict.Type);
        Assert.False(verdict.BehindNat);
        Assert.Equal(2, verdict.Observers);
    }

    [Fact]
    public void Two_neighbours_seeing_one_translated_endpoint_mean_endpoint_independent_mapping()
    {
        var nat = new NatObservations(16);
        nat.Observe(Key(1), At("203.0.113.5:9651"));
        nat.Observe(Key(2), At("203.0.113.5:9651"));

        var verdict = nat.Classify(Lan);

        Assert.Equal(NatType.EndpointIndependent, verdict.Type);
        Assert.True(verdict.BehindNat);
        Assert.Equal([At("203.0.113.5:9651")], verdict.Reflexive);
    }

    [Theory]
    [InlineData("203.0.113.5:40001", "203.0.113.5:40002")]
    [InlineData("203.0.113.5:40001", "203.0.113.6:40001")]
    public void Different_translated_endpoints_mean_symmetric(string first, string second)
    {
        var nat = new NatObservations(16);
        nat.Observe(Key(1), At(first));
        nat.Observe(Key(2), At(second));

        var verdict = nat.Classify(Lan);

        Assert.Equal(NatType.Symmetric, verdict.Type);
        Assert.Equal(2, verdict.Reflexive.Count);
    }

    [Fact]
    public void Lan_neighbours_do_not_outvote_one_neighbour_beyond_the_nat()
    {
        var nat = new NatObservations(16);
        nat.Observe(Key(1), At("192.168.1.10:9651"));
        nat.Observe(Key(2), At("192.168.1.10:9651"));
        nat.Observe(Key(3), At("203.0.113.5:9651"));

        var verdict = nat.Classify(Lan);

        Assert.Equal(NatType.Unknown, verdict.Type);
        Assert.True(verdict.BehindNat);
        Assert.Equal([At("203.0.113.5:9651")], verdict.Reflexive);
    }

    [Fact]
    public void The_own_address_on_another_port_is_translated()
    {
        var nat = new NatObservations(16);
        nat.Observe(Key(1), At("192.168.1.10:1111"));
        nat.Observe(Key(2), At("192.168.1.10:2222"));

        Assert.Equal(NatType.Symmetric, nat.Classify(Lan).Type);
    }

    [Fact]
    public void Ipv4_decides_and_ipv6_answers_when_ipv4_cannot()
    {
        var nat = new NatObservations(16);
        nat.Observe(Key(1), At("[fd00::10]:9651"));
        nat.Observe(Key(2), At("[fd00::10]:9651"));
        Assert.Equal(NatType.None, nat.Classify(Lan).Type);

        nat.Observe(Key(3), At("203.0.113.5:5000"));
        nat.Observe(Key(4), At("203.0.113.5:5001"));
        Assert.Equal(NatType.Symmetric, nat.Classify(Lan).Type);
    }

    [Fact]
    public void A_newer_report_replaces_the_neighbours_older_one_and_a_gone_neighbour_is_forgotten()
    {
        var nat = new NatObservations(16);
        nat.Observe(Key(1), At("203.0.113.5:40001"));
        nat.Observe(Key(2), At("203.0.113.5:40002"));
        Assert.Equal(NatType.Symmetric, nat.Classify(Lan).Type);

        Assert.True(nat.Observe(Key(2), At("203.0.113.5:40001")));
        Assert.False(nat.Observe(Key(2), At("203.0.113.5:40001")));
        Assert.Equal(NatType.EndpointIndependent, nat.Classify(Lan).Type);

        Assert.True(nat.Forget(Key(2)));
        Assert.Equal(NatType.Unknown, nat.Classify(Lan).Type);
        Assert.Equal(1, nat.Count);
    }

    [Fact]
    public void Reports_beyond_the_bound_are_refused_and_counted()
    {
        var nat = new NatObservations(2);
        nat.Observe(Key(1), At("203.0.113.5:1"));
        nat.Observe(Key(2), At("203.0.113.5:1"));

        Assert.False(nat.Observe(Key(3), At("203.0.113.5:2")));
        Assert.True(nat.Observe(Key(2), At("203.0.113.5:3")));

        Assert.Equal(1, nat.Refused);
        Assert.Equal(2, nat.Count);
    }

    [Fact]
    public void A_scoped_interface_address_matches_the_unscoped_reflection()
    {
        var local = new LocalEndpoints(new HashSet<IPAddress> { NatObservations.Normalize(IPAddress.Parse("fe80::1%2")) }, new HashSet<int> { 9651 });
        var nat = new NatObservations(4);
        nat.Observe(Key(1), At("[fe80::1]:9651"));
        nat.Observe(Key(2), At("[fe80::1]:9651"));

        Assert.Equal(NatType.None, nat.Classify(local).Type);
    }
}
