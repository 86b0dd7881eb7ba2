using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using MeshActors.Crypto;
using MeshActors.DataPlane;
using MeshActors.DataPlane.Transports;
using MeshActors.Messaging;
using MeshActors.Node.Hosting;
using MeshActors.Node.Links;
using MeshActors.Node.Settings;
using MeshActors.Node.Tests.Links;
using MeshActors.Protocol.Addressing;
using MeshActors.Testing.Doubles;
using Serilog.Core;
using Serilog.Events;

namespace MeshActors.Node.Tests.Messaging;

/// <summary>A whole node (NodeRuntime, --no-tun) on loopback with a TCP link port and an HTTP client for its API.</summary>
public sealed class BusTestNode : IAsyncDisposable
{
    /// <summary>Longest wait for a condition that a healthy node meets in well under a second; only a failing test
    /// waits it out, and a loaded machine may take seconds.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Fast retransmission so drops and cut links heal within a test's patience.</summary>
    public static readonly MessageBusSettings FastBus = new()
    {
        MaxMessageSize = 3 << 19,
        InitialRetransmitInterval = TimeSpan.FromMilliseconds(100),
        MaxRetransmitInterval = TimeSpan.FromSeconds(1),
        DefaultDeadline = TimeSpan.FromSeconds(30),
    };

    private readonly Logger _logger;
    private readonly TempFolder _data;

    private BusTestNode(NodeRuntime runtime, NodeIdentity identity, int port, Logger logger, NodeSettings settings, TempFolder data)
    {
        _data = data;
        Runtime = runtime;
        Identity = identity;
        Port = port;
        _logger = logger;
        Settings = settings;
        Http = new HttpClient { BaseAddress = new Uri($"http://{runtime.ApiEndPoint}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public NodeRuntime Runtime { get; }

    public NodeIdentity Identity { get; }

    public NodeSettings Settings { get; }

    public int Port { get; }

    public HttpClient Http { get; }

    public string Key => Identity.Public.ToString();

    public IPAddress Address => OverlayAddressing.DeriveAddress(Identity.Public, OverlayAddressing.DefaultPrefix);

    public string TcpUri => $"tcp://127.0.0.1:{Port}";

    /// <summary>The node's shared UDP socket (on an OS-chosen port when the settings listen on none).</summary>
    public string UdpUri => $"udp://127.0.0.1:{((NodeDataPlane)Runtime.Services.GetService(typeof(NodeDataPlane))!).Links.UdpEndPoints[0].Port}";

    public static NodeSettings TestSettings() =>
        NodeSettingsReader.Read(HoconSource.Load(Path.Combine(AppContext.BaseDirectory, "test.conf")));

    public static async Task<BusTestNode> StartAsync(
        IEnumerable<BusTestNode>? peers = null, MessageBusSettings? bus = null, Func<NodeSettings, NodeSettings>? adjust = null, NodeIdentity? identity = null)
    {
        var port = TestPorts.Next();
        identity ??= NodeIdentity.Generate();
        var data = new TempFolder();
        var settings = TestSettings() with
        {
            State = new StateSettings(data.Path, StateSettings.DefaultWriteInterval),
            Listen = [PeerUri.Parse($"tcp://127.0.0.1:{port}")],
            Peers = [.. (peers ?? []).Select(p => PeerUri.Parse(p.TcpUri))],
            LinkTimers = LinkTestNode.SteadyTimers,
            Messages = bus ?? FastBus,
        };
        settings = adjust?.Invoke(settings) ?? settings;
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Warning);
        var logger = NodeLogging.CreateLogger(levelSwitch);
        var runtime = await NodeRuntime.StartAsync(settings, identity, logger, levelSwitch);
        var node = new BusTestNode(runtime, identity, port, logger, settings, data);
        await node.WaitForPeerManagerAsync();
        return node;
    }

    /// <summary>Until the peer manager answers its first question it may not have taken over the listener yet, and a
    /// link accepted before is closed (a node redials; a test's bare link does not). An answer means it has. Asked
    /// through the registry, not the API, which may demand a token.</summary>
    private async Task WaitForPeerManagerAsync()
    {
        var until = DateTime.UtcNow + Patience;
        IActorRef? manager;
        while (!ActorRegistry.For(Runtime.ActorSystem).TryGet<PeerManager>(out manager))
        {
            Assert.True(DateTime.UtcNow < until, $"no peer manager within {Patience}");
            await Task.Delay(50);
        }

        await manager.Ask<PeerList>(GetPeers.Instance, Patience);
    }

    /// <summary>Waits until this node's forwarder has a route to <paramref name="other"/>.</summary>
    public async Task WaitForRouteAsync(BusTestNode other)
    {
        var forwarder = Runtime.Services.GetService(typeof(NodeDataPlane)) is NodeDataPlane plane ? plane.Forwarder : throw new InvalidOperationException("no data plane");
        var address = other.Address.GetAddressBytes();
        var until = DateTime.UtcNow + Patience;
        while (forwarder.Routes is not { } routes || !routes.TryLookup(address, out _))
        {
            Assert.True(DateTime.UtcNow < until, $"no route to {other.Address} within {Patience}");
            await Task.Delay(50);
        }
    }

    public async Task<HttpResponseMessage> SendAsync(object dst, byte[] payload, byte[]? topic = null, string query = "") =>
        await Http.PostAsJsonAsync($"/api/v1/messages{query}", new { dst, topic, payload });

    public async Task<string> SendOkAsync(object dst, byte[] payload, byte[]? topic = null)
    {
        using var response = await SendAsync(dst, payload, topic);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    /// <summary>GET /api/v1/messages; null on 204.</summary>
    public async Task<JsonObject?> ReceiveAsync(int timeoutSeconds, string extra = "")
    {
        using var response = await Http.GetAsync($"/api/v1/messages?timeout={timeoutSeconds}{extra}");
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonObject>();
    }

    public async Task<JsonObject> StatusAsync(string id) =>
        (await Http.GetFromJsonAsync<JsonObject>($"/api/v1/messages/status/{id}"))!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Runtime.DisposeAsync();
        await _logger.DisposeAsync();
        Identity.Dispose();
        _data.Dispose();
    }
}
