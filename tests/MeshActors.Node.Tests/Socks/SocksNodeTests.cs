using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MeshActors.Node.Tests.Messaging;

namespace MeshActors.Node.Tests.Socks;

/// <summary>The gateway as a node runs it: started from <c>socks.listen</c>, its counters on /metrics and GET /api/v1/socks.</summary>
public sealed class SocksNodeTests
{
    [Fact]
    public async Task A_node_with_socks_listen_serves_connects_and_reports_its_counters_on_metrics_and_the_api()
    {
        await using var echo = new EchoServer(IPAddress.Loopback);
        await using var node = await BusTestNode.StartAsync(adjust: settings => settings with
        {
            Socks = settings.Socks with { Listen = new IPEndPoint(IPAddress.Loopback, 0) },
        });
        var gateway = node.Runtime.SocksEndPoint!;
        Assert.NotEqual(0, gateway.Port);

        using (var client = await SocksClient.ConnectAsync(gateway))
        {
            Assert.Equal(0, await client.HandshakeAsync(SocksClient.Connect(echo.EndPoint)));
            await client.SendAsync([1, 2, 3, 4]);
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, await client.ReadAsync(4));
        }

        using (var client = await SocksClient.ConnectAsync(gateway))
        {
            Assert.Equal(0x04, await client.HandshakeAsync(SocksClient.Connect("nobody.mesh", 80)));
        }

        var metrics = await node.Http.GetStringAsync("/metrics");
        Assert.Contains("meshactors_socks_events_total{event=\"connected\"} 1", metrics);
        Assert.Contains("meshactors_socks_events_total{event=\"bytes_to_target\"} 4", metrics);
        Assert.Contains("meshactors_socks_refusals_total{reason=\"unknown_name\"} 1", metrics);
        Assert.Contains("meshactors_socks_refusals_total{reason=\"session_limit\"} 0", metrics);
        Assert.Contains("meshactors_socks_max_sessions 256", metrics);

        var view = (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/socks"))!;
        Assert.Equal(gateway.ToString(), view["listen"]!.GetValue<string>());
        Assert.Equal(1, view["events"]!["connected"]!.GetValue<long>());
        Assert.Equal(1, view["refusals"]!["unknown_name"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_node_without_socks_listen_has_no_gateway_and_no_socks_metrics()
    {
        await using var node = await BusTestNode.StartAsync();

        Assert.Null(node.Runtime.SocksEndPoint);
        Assert.DoesNotContain("meshactors_socks_", await node.Http.GetStringAsync("/metrics"));
        var view = (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/socks"))!;
        Assert.Null(view["listen"]);
    }
}
