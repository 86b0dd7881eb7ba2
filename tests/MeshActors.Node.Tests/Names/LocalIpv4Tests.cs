using MeshActors.Crypto;
using MeshActors.Node.Ipv4;
using MeshActors.Node.Routing;
using MeshActors.Node.Settings;
using MeshActors.Node.Tests.Messaging;
using MeshActors.Protocol;
using MeshActors.Routing.Ipv4;

namespace MeshActors.Node.Tests.Names;

public sealed class LocalIpv4Tests
{
    [Fact]
    public void Configured_addresses_and_prefixes_keep_working_beside_the_automatic_address()
    {
        using var identity = NodeIdentity.Generate();
        var settings = BusTestNode.TestSettings() with
        {
            Ipv4 = new Ipv4Settings([DataPlane.Tun.TunAddress.Parse("10.220.0.1/32")], [IpPrefix.Parse("192.168.5.0/24")]),
            Ipv4Network = new Ipv4NetworkSettings(IpPrefix.Parse("10.250.0.0/16"), TimeSpan.FromSeconds(2)),
        };
        var auto = AutoIpv4.For(settings, identity.Public)!;
        var expected = Ipv4Network.ToAddress(new Ipv4Network(IpPrefix.Parse("10.250.0.0/16")).Candidate(identity.Public.Bytes, 0));

        Assert.Equal(["10.220.0.1/32", "192.168.5.0/24", $"{expected}/32"], AutoIpv4.LocalPrefixes(settings, auto).Select(p => p.ToString()));
        Assert.Equal(["10.220.0.1/32", $"{expected}/32"], AutoIpv4.TunAddresses(settings, auto).Select(a => a.ToString()));
        Assert.Contains($"{expected}/32", LocalPrefixes.For(settings, identity.Public).Select(p => p.ToString()));
        Assert.Contains("10.220.0.1/32", LocalPrefixes.For(settings, identity.Public).Select(p => p.ToString()));
        Assert.Equal((Ipv4Network.ToUInt32(expected), true), AutoIpv4.Announced(settings, auto));
        Assert.Equal((Ipv4Network.ToUInt32(System.Net.IPAddress.Parse("10.220.0.1")), false), AutoIpv4.Announced(settings, null));
    }
}
