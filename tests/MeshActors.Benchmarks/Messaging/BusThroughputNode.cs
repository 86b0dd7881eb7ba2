using System.Net;
using Akka.Actor;
using Akka.Hosting;
using MeshActors.Crypto;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Hosting;
using MeshActors.Node.Messaging;
using MeshActors.Node.Settings;
using MeshActors.Testing.Doubles;
using Serilog.Core;
using Serilog.Events;

namespace MeshActors.Benchmarks.Messaging;

/// <summary>One whole node in process for the bus run: default settings, no TUN, a loopback TCP link port, its MessageBus actor.</summary>
internal sealed class BusThroughputNode : IAsyncDisposable
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    private readonly NodeIdentity _identity;
    private readonly Logger _logger;
    private readonly TempFolder _data;

    private BusThroughputNode(NodeRuntime runtime, NodeIdentity identity, Logger logger, int port, IActorRef bus, TempFolder data)
    {
        _data = data;
        Runtime = runtime;
        _identity = identity;
        _logger = logger;
        Port = port;
        Bus = bus;
    }

    public NodeRuntime Runtime { get; }

    public int Port { get; }

    /// <summary>The node's MessageBus actor, the one the HTTP API asks.</summary>
    public IActorRef Bus { get; }

    public IPAddress Address => IPAddress.Parse(Runtime.Info.Address);

    public static async Task<BusThroughputNode> StartAsync(BusThroughputNode? peer = null)
    {
        var port = TestPorts.Next();
        var data = new TempFolder();
        var settings = SettingsLoader.Load(null, new SettingsOverrides { NoTun = true, ApiAddress = "127.0.0.1:0", DataDir = data.Path }) with
        {
            Listen = [PeerUri.Parse($"tcp://127.0.0.1:{port}")],
            Peers = peer is null ? [] : [PeerUri.Parse($"tcp://127.0.0.1:{peer.Port}")],
        };
        var identity = NodeIdentity.Generate();
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Error);
        var logger = NodeLogging.CreateLogger(levelSwitch);
        var runtime = await NodeRuntime.StartAsync(settings, identity, logger, levelSwitch);
        using var resolve = new CancellationTokenSource(ResolveTimeout);
        var bus = await ActorRegistry.For(runtime.ActorSystem).GetAsync<MessageBusActor>(resolve.Token);
        return new BusThroughputNode(runtime, identity, logger, port, bus, data);
    }

    /// <summary>Waits until the selected routes include <paramref name="other"/>'s subnet.</summary>
    public async Task WaitForRouteAsync(BusThroughputNode other, TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{Runtime.ApiEndPoint}") };
        var until = DateTime.UtcNow + limit;
        while (!(await http.GetStringAsync("/api/v1/admin/routes/selected")).Contains(other.Runtime.Info.Subnet, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"no route to {other.Runtime.Info.Subnet} within {limit.TotalSeconds:0} s");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await _logger.DisposeAsync();
        _identity.Dispose();
        _data.Dispose();
    }
}
