using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using MeshActors.Node.Api;
using MeshActors.Node.Hosting;
using MeshActors.Node.Tests.Messaging;
using Serilog.Core;
using Serilog.Events;

namespace MeshActors.Node.Tests.Api;

public sealed class LocalApiTests
{
    [Fact]
    public async Task A_non_loopback_api_without_a_token_refuses_to_start_naming_the_key()
    {
        var settings = BusTestNode.TestSettings() with { ApiAddress = new IPEndPoint(IPAddress.Any, 0) };
        using var identity = Crypto.NodeIdentity.Generate();
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Warning);
        await using var logger = NodeLogging.CreateLogger(levelSwitch);

        var failure = await Assert.ThrowsAsync<NodeStartException>(() => NodeRuntime.StartAsync(settings, identity, logger, levelSwitch));

        Assert.Contains(ApiToken.Key, failure.Message);
    }

    [Fact]
    public async Task With_a_token_every_request_needs_the_bearer_header()
    {
        await using var node = await BusTestNode.StartAsync(adjust: s => s with { ApiToken = new ApiToken("s3cret") });

        using var missing = await node.Http.GetAsync("/api/v1/admin");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "guess") } };
        using var wrongAnswer = await node.Http.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cret") } };
        using var rightAnswer = await node.Http.SendAsync(right);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightAnswer.StatusCode);
        Assert.DoesNotContain("s3cret", node.Settings.ToString());
    }

    [Fact]
    public async Task Metrics_openapi_log_level_and_the_actor_tree_describe_the_live_node()
    {
        await using var hub = await BusTestNode.StartAsync();
        await using var node = await BusTestNode.StartAsync([hub]);
        await node.WaitForRouteAsync(hub);
        await node.SendOkAsync(new { pk = hub.Key }, [7]);
        Assert.NotNull(await hub.ReceiveAsync(10));

        var metrics = await node.Http.GetStringAsync("/metrics");
        foreach (var family in new[]
        {
            "meshactors_link_bytes_total{peer=\"" + hub.Key + "\",direction=\"out\"}", "meshactors_link_drops_total", "meshactors_forwarder_drops_total{reason=\"NoRoute\"}",
            "meshactors_e2e_sealed_total", "meshactors_routes{view=\"selected\"}", "meshactors_handshakes_refused_total", "meshactors_bus_sends_total{result=\"accepted\"} 1",
            "meshactors_bus_outbound_total{kind=\"chunks_sent\"}", "meshactors_routing_events_total{event=\"updates_over_table_limit\"} 0",
            "meshactors_link_direct_frames_total", "meshactors_forwarder_packets_total{kind=\"hop_limit_notices\"}",
            "meshactors_name_records_received_total{outcome=\"forged\"} 0", "meshactors_name_records ",
            "meshactors_buffer_pool_buffers{state=\"capacity\"}", "meshactors_buffer_pool_exhausted_total 0",
        })
        {
            Assert.Contains(family, metrics);
        }

        var openApi = JsonNode.Parse(await node.Http.GetStringAsync("/api/v1/openapi.json"))!["paths"]!.AsObject();
        foreach (var path in new[] { "/api/v1/admin", "/api/v1/admin/dataplane", "/api/v1/admin/peers", "/api/v1/admin/routes/{view}", "/api/v1/messages", "/api/v1/messages/reply/{id}", "/api/v1/messages/status/{id}", "/metrics", "/api/v1/ctl/actors", "/api/v1/ctl/log-level", "/api/v1/names", "/api/v1/names/{name}", "/api/v1/exits", "/api/v1/socks" })
        {
            Assert.True(openApi.ContainsKey(path), path);
        }

        // every node has a UDP socket (for dialling out at least), and says which kernel offloads it uses
        var dataPlane = (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/admin/dataplane"))!;
        Assert.Null(dataPlane["tun"]); // this node runs without a TUN device
        var udp = dataPlane["udp"]!.AsArray();
        Assert.NotEmpty(udp);
        Assert.Equal(1452, udp[0]!["maxDatagram"]!.GetValue<int>());
        Assert.Contains("meshactors_udp_offload{listener=\"" + udp[0]!["endpoint"]!.GetValue<string>() + "\",offload=\"segmentation\"} "
            + (udp[0]!["segmentation"]!.GetValue<bool>() ? "1" : "0"), metrics);

        using var level = await node.Http.PostAsJsonAsync("/api/v1/ctl/log-level", new { level = "debug" });
        using var badLevel = await node.Http.PostAsJsonAsync("/api/v1/ctl/log-level", new { level = "loud" });
        Assert.Equal(HttpStatusCode.OK, level.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLevel.StatusCode);
        Assert.Equal(LogEventLevel.Debug, ((LoggingLevelSwitch)node.Runtime.Services.GetService(typeof(LoggingLevelSwitch))!).MinimumLevel);

        var actors = (await node.Http.GetFromJsonAsync<JsonArray>("/api/v1/ctl/actors"))!;
        var paths = actors.Select(a => a!["path"]!.GetValue<string>()).ToHashSet();
        foreach (var expected in new[] { "/user/node", "/user/node/peers/peers", "/user/node/routes/routes", "/user/node/messages/messages" })
        {
            Assert.Contains(expected, paths);
        }

        // Every listed actor is alive, and every peer link the peer manager reports is listed.
        foreach (var path in paths)
        {
            var identity = await node.Runtime.ActorSystem.ActorSelection(path).Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(30));
            Assert.NotNull(identity.Subject);
        }

        var peers = (await node.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/peers"))!;
        Assert.NotEmpty(peers);
        foreach (var peer in peers)
        {
            Assert.Contains("/user/node/peers/peers/" + peer!["actor"]!.GetValue<string>(), paths);
        }

        Assert.Equal("NodeGuardian", actors.Single(a => a!["path"]!.GetValue<string>() == "/user/node")!["type"]!.GetValue<string>());
    }
}
