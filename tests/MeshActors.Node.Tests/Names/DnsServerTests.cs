using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using MeshActors.Node.Settings;
using MeshActors.Node.Tests.Messaging;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Names;

/// <summary>A live node's DNS server on loopback, asked over UDP by ARSoft.Tools.Net's client.</summary>
public sealed class DnsServerTests
{
    [Fact]
    public async Task A_node_serves_its_peers_name_over_udp()
    {
        var port = FreeUdpPort();
        await using var alpha = await BusTestNode.StartAsync(adjust: s => s with { NodeName = "alpha" });
        await using var beta = await BusTestNode.StartAsync([alpha], adjust: s => s with
        {
            NodeName = "beta",
            Dns = s.Dns with { Address = new IPEndPoint(IPAddress.Loopback, port) },
        });
        var client = new DnsClient([IPAddress.Loopback], [new UdpClientTransport(port)], true, 2000);

        DnsMessage? answer = null;
        await Eventually.True(
            () => (answer = client.Resolve(DomainName.Parse("alpha.mesh"), RecordType.Aaaa)) is { AnswerRecords.Count: > 0 },
            15_000, "beta's DNS should learn alpha's name", pollMs: 100);

        Assert.Equal(alpha.Address, Assert.IsType<AaaaRecord>(Assert.Single(answer!.AnswerRecords)).Address);
        Assert.Equal(ReturnCode.NxDomain, client.Resolve(DomainName.Parse("nobody.mesh"), RecordType.Aaaa)!.ReturnCode);
    }

    [Fact]
    public async Task A_dns_port_that_is_taken_stops_the_node_with_the_key_named()
    {
        using var taken = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)taken.Client.LocalEndPoint!;

        var failure = await Assert.ThrowsAsync<MeshActors.Node.Hosting.NodeStartException>(() => BusTestNode.StartAsync(adjust: s => s with { Dns = s.Dns with { Address = endPoint } }));

        Assert.Contains("dns.address", failure.Message);
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
