using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Hosting;
using MeshActors.Crypto;
using MeshActors.Node.Actors;
using MeshActors.Node.Api;
using MeshActors.Node.Dns;
using MeshActors.Node.Names;
using MeshActors.Node.Settings;
using MeshActors.Node.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;

namespace MeshActors.Node.Hosting;

/// <summary>
/// One running node: the generic host (ASP.NET Core for the local API), the actor system built by Akka.Hosting with
/// the <see cref="NodeGuardian"/> at its root, and Serilog for every log. SIGINT/SIGTERM stop the host, which runs
/// Akka's coordinated shutdown; the whole stop is bounded by <see cref="ShutdownTimeout"/>.
/// </summary>
public sealed class NodeRuntime : IAsyncDisposable
{
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly NodeDataPlane _dataPlane;
    private MeshDnsServer? _dns;

    private NodeRuntime(WebApplication app, NodeDataPlane dataPlane, NodeInfo info, IPEndPoint apiEndPoint)
    {
        _app = app;
        _dataPlane = dataPlane;
        Info = info;
        ApiEndPoint = apiEndPoint;
    }

    public NodeInfo Info { get; }

    /// <summary>Where the API listens (the real port when the config asked for port 0).</summary>
    public IPEndPoint ApiEndPoint { get; }

    public ActorSystem ActorSystem => _app.Services.GetRequiredService<ActorSystem>();

    public IServiceProvider Services => _app.Services;

    public static string Version =>
        typeof(NodeRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static NodeInfo DescribeIdentity(NodeSettings settings, PublicIdentity identity)
    {
        var key = identity.ToString();
        return new NodeInfo(
            settings.NodeName.Length > 0 ? settings.NodeName : key[..8],
            key,
            OverlayAddressing.DeriveAddress(identity, settings.OverlayPrefix).ToString(),
            OverlayAddressing.DeriveSubnet(identity, settings.OverlayPrefix).ToString(),
            0,
            Version);
    }

    public static async Task<NodeRuntime> StartAsync(
        NodeSettings settings, NodeIdentity identity, Logger logger, LoggingLevelSwitch levelSwitch, CancellationToken cancellationToken = default)
    {
        var info = DescribeIdentity(settings, identity.Public);
        ApiToken.RequireForNonLoopback(settings.ApiAddress, settings.ApiToken);

        // Akka.Logger.Serilog writes through the static logger: one node per process, so this is that node's logger.
        Log.Logger = logger;
        var store = OpenStore(settings, identity);
        var dataPlane = NodeDataPlane.Start(settings, identity);
        try
        {
            var app = await StartHostAsync(settings, identity, info, dataPlane, store, logger, levelSwitch, cancellationToken);
            dataPlane.BusInlet.Bind(app.Services.GetRequiredService<ActorSystem>());
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var runtime = new NodeRuntime(app, dataPlane, info, new IPEndPoint(settings.ApiAddress.Address, new Uri(bound).Port));
            await runtime.StartDnsAsync(settings);
            return runtime;
        }
        catch
        {
            await dataPlane.DisposeAsync();
            throw;
        }
    }

    private static SnapshotStore OpenStore(NodeSettings settings, NodeIdentity identity)
    {
        try
        {
            return SnapshotStore.Open(settings.State.DataDir, identity.Public.Bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeStartException($"cannot use data-dir '{settings.State.DataDir}': {e.Message} (change 'data-dir' or --data-dir)", e);
        }
    }

    private static async Task<WebApplication> StartHostAsync(
        NodeSettings settings,
        NodeIdentity identity,
        NodeInfo info,
        NodeDataPlane dataPlane,
        SnapshotStore store,
        Logger logger,
        LoggingLevelSwitch levelSwitch,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(settings.ApiAddress));
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(levelSwitch);
        builder.Services.AddSingleton(dataPlane);
        var names = new NameDirectoryHolder();
        builder.Services.AddSingleton(names);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        builder.Services.AddMeshNode(settings, info, () => NodeChildren.For(settings, identity, dataPlane, store, names));

        var app = builder.Build();
        app.UseApiToken(settings.ApiToken);
        app.MapAdminApi();
        app.MapDataPlaneApi();
        app.MapPeerApi();
        app.MapRouteApi();
        app.MapNameApi();
        app.MapMessageApi();
        app.MapMetricsApi();
        app.MapCtlApi();
        app.MapOpenApiDocument();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new NodeStartException($"cannot serve the API on api.address {settings.ApiAddress}: {e.Message}", e);
        }

        return app;
    }

    /// <summary>Starts the DNS server when <c>dns.address</c> is set; a port it cannot bind stops the node (exit 1).</summary>
    private async Task StartDnsAsync(NodeSettings settings)
    {
        if (settings.Dns.Address is not { } endPoint)
        {
            return;
        }

        try
        {
            _dns = MeshDnsServer.Start(
                endPoint,
                new DnsAnswers(settings.Dns.Domain, settings.Dns.Ttl),
                Services.GetRequiredService<NameDirectoryHolder>(),
                Services.GetRequiredService<ILoggerFactory>().CreateLogger<MeshDnsServer>());
        }
        catch (System.Net.Sockets.SocketException e)
        {
            await _app.DisposeAsync();
            throw new NodeStartException($"cannot serve DNS on dns.address {endPoint}: {e.Message}", e);
        }
    }

    /// <summary>Completes when the host stops (signal, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        _dns?.Dispose();
        _dns = null;
        await _app.DisposeAsync();
        await _dataPlane.DisposeAsync();
    }
}
