using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MeshActors.Node.Settings;
using MeshActors.Node.Tests.Messaging;
using MeshActors.Protocol.Tunnels;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Tunnels;

/// <summary>Whole nodes on loopback without TUN: a opens tunnels to ports b exposes, to echo servers on b's loopback.</summary>
public sealed class TunnelTests
{
    private const int PatienceMs = 30_000;

    [Fact]
    public async Task A_tcp_tunnel_carries_a_megabyte_both_ways_in_order_and_passes_the_end_of_stream()
    {
        using var echo = TcpEcho.Start();
        await using var b = await BusTestNode.StartAsync(adjust: Exposing((TunnelProtocol.Tcp, echo.Port)));
        await using var a = await BusTestNode.StartAsync([b]);
        await a.WaitForRouteAsync(b);
        var local = TestPorts.Next();
        var opened = await OpenAsync(a, "tcp", local, $"{b.Key}:{echo.Port}");
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);

        var payload = new byte[1 << 20];
        new Random(5).NextBytes(payload);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, local);
        var reading = ReadToEndAsync(client);
        await client.SendAsync(payload);
        client.Shutdown(SocketShutdown.Send);
        var echoed = await reading.WaitAsync(TimeSpan.FromMilliseconds(PatienceMs));

        Assert.Equal(payload, echoed);
        await Eventually.True(() => Counter(a, "streams_closed").Result == 1 && Counter(b, "streams_closed").Result == 1, PatienceMs, "both ends should finish");
        Assert.Equal(1, await Counter(a, "streams_opened"));
        Assert.Equal(1, await Counter(b, "streams_accepted"));
        Assert.Equal(payload.Length, await Counter(a, "bytes_sent"));
        Assert.Equal(payload.Length, await Counter(b, "bytes_received"));
        Assert.Equal(0, await Counter(a, "streams_reset"));
        Assert.Contains("meshactors_tunnel_events_total{event=\"streams_accepted\"} 1", await b.Http.GetStringAsync("/metrics"));
        Assert.Null(await b.ReceiveAsync(0));
    }

    [Fact]
    public async Task A_port_the_far_node_does_not_expose_is_refused_and_the_connection_closed()
    {
        using var echo = TcpEcho.Start();
        await using var b = await BusTestNode.StartAsync();
        await using var a = await BusTestNode.StartAsync([b]);
        await a.WaitForRouteAsync(b);
        var local = TestPorts.Next();
        (await OpenAsync(a, "tcp", local, $"{b.Key}:{echo.Port}")).Dispose();

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, local);
        await client.SendAsync("hello"u8.ToArray());
        var echoed = await ReadToEndAsync(client).WaitAsync(TimeSpan.FromMilliseconds(PatienceMs));

        Assert.Empty(echoed);
        Assert.Equal(1, await Counter(b, "refused_not_exposed"));
        await Eventually.True(() => Counter(a, "open_failed").Result == 1, PatienceMs, "a should count the refusal");
        Assert.Equal(0, echo.Connections);
    }

    [Fact]
    public async Task A_udp_tunnel_carries_each_clients_datagrams_and_the_replies_back_to_it()
    {
        using var echo = UdpEcho.Start();
        await using var b = await BusTestNode.StartAsync(adjust: Exposing((TunnelProtocol.Udp, echo.Port)));
        await using var a = await BusTestNode.StartAsync([b]);
        await a.WaitForRouteAsync(b);
        var local = TestPorts.Next();
        (await OpenAsync(a, "udp", local, $"{b.Key}:{echo.Port}")).Dispose();

        foreach (var name in new[] { "first", "second" })
        {
            using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            for (var i = 0; i < 3; i++)
            {
                var datagram = System.Text.Encoding.ASCII.GetBytes($"{name} {i}");
                await client.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, local));
                using var wait = new CancellationTokenSource(PatienceMs);
                var reply = await client.ReceiveAsync(wait.Token);
                Assert.Equal(datagram, reply.Buffer);
            }
        }

        Assert.Equal(2, await Counter(a, "streams_opened"));
        Assert.Equal(2, await Counter(b, "streams_accepted"));
    }

    [Fact]
    public async Task Tunnels_are_listed_closed_and_refused_through_the_api()
    {
        await using var a = await BusTestNode.StartAsync(adjust: Exposing((TunnelProtocol.Tcp, 5201), (TunnelProtocol.Udp, 5353)));
        var local = TestPorts.Next();
        using var opened = await OpenAsync(a, "tcp", local, "bob:5201");
        var tunnel = (await opened.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("tcp", tunnel["protocol"]!.GetValue<string>());
        Assert.Equal($"127.0.0.1:{local}", tunnel["listen"]!.GetValue<string>());
        Assert.Equal("bob:5201", tunnel["target"]!.GetValue<string>());

        using (var taken = await OpenAsync(a, "tcp", local, "bob:5201"))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }

        foreach (var body in new object[] { new { protocol = "sctp", listen = 1, target = "bob:1" }, new { protocol = "tcp", listen = 1, target = "bob" }, new { protocol = "tcp" } })
        {
            using var bad = await a.Http.PostAsJsonAsync("/api/v1/tunnels", body);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        var status = (await a.Http.GetFromJsonAsync<JsonObject>("/api/v1/tunnels"))!;
        Assert.Single(status["tunnels"]!.AsArray());
        Assert.Equal(["tcp/5201", "udp/5353"], status["exposed"]!.AsArray().Select(e => e!.GetValue<string>()));

        var id = tunnel["id"]!.GetValue<int>();
        using (var closed = await a.Http.DeleteAsync($"/api/v1/tunnels/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, closed.StatusCode);
        }

        using (var again = await a.Http.DeleteAsync($"/api/v1/tunnels/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        Assert.Empty((await a.Http.GetFromJsonAsync<JsonObject>("/api/v1/tunnels"))!["tunnels"]!.AsArray());
        using var free = new TcpListener(IPAddress.Loopback, local);
        free.Start();
    }

    private static Func<NodeSettings, NodeSettings> Exposing(params (TunnelProtocol, int)[] exposed) =>
        s => s with { Tunnels = s.Tunnels with { Expose = exposed } };

    private static Task<HttpResponseMessage> OpenAsync(BusTestNode node, string protocol, int listen, string target) =>
        node.Http.PostAsJsonAsync("/api/v1/tunnels", new { protocol, listen, target });

    private static async Task<long> Counter(BusTestNode node, string name) =>
        (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/tunnels"))!["counters"]![name]!.GetValue<long>();

    private static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer) is var read and > 0)
            {
                all.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // reset: what came before it is the answer
        }

        return all.ToArray();
    }
}
