using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Hosting;
using MeshActors.DataPlane;
using MeshActors.Crypto;
using MeshActors.Node.Actors;
using MeshActors.Node.Api;
using MeshActors.Node.Dns;
using MeshActors.Node.Messaging;
using MeshActors.Node.Names;
using MeshActors.Node.Settings;
using MeshActors.Node.Socks;
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

    /// <summary>
    /// Longest start-up waits for the TUN actor's first open: opening runs a few host commands of at most 10 s each
    /// (address and MTU setup), so 60 s only bounds a start that would otherwise hang.
    /// </summary>
    private static readonly TimeSpan TunOpenBound = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly NodeDataPlane _dataPlane;
    private MeshDnsServer? _dns;
    private SocksGateway? _socks;
    private DataPlane.Tun.Linux.ExitNat? _exitNat;

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

    /// <summary>Where the SOCKS5 gateway listens (the real port when the config asked for port 0), or null without one.</summary>
    public IPEndPoint? SocksEndPoint => Services.GetRequiredService<SocksStats>().Listen;

    public ActorSystem ActorSystem => _app.Services.GetRequiredService<ActorSystem>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Why the node stopped on its own (a configuration failure the guardian reported), or null.</summary>
    public string? FailureMessage => _app.Services.GetRequiredService<NodeFailure>().Message;

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
        var autoIpv4 = Ipv4.AutoIpv4.For(settings, identity.Public);
        var busInlets = BusInlets.Create();
        var dataPlane = DataPlaneStart.Start(settings, identity, autoIpv4, busInlets.Accept);
        DataPlane.Tun.Linux.ExitNat? exitNat = null;
        try
        {
            var tunOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var names = new NameDirectoryHolder();
            var children = () => NodeChildren.For(settings, identity, dataPlane, busInlets, autoIpv4, store, names, tunOpened);
            var app = await StartHostAsync(settings, info, dataPlane, names, children, logger, levelSwitch, cancellationToken);
            busInlets.Bind(app.Services.GetRequiredService<ActorSystem>());
            if (settings.Tun.Enabled)
            {
                await WaitForTunAsync(app, settings.Tun.Name, tunOpened.Task, cancellationToken);
            }

            try
            {
                exitNat = OpenExit(settings);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var runtime = new NodeRuntime(app, dataPlane, info, new IPEndPoint(settings.ApiAddress.Address, new Uri(bound).Port)) { _exitNat = exitNat };
            await runtime.StartDnsAsync(settings);
            await runtime.StartSocksAsync(settings);
            ControlPathWarmup.Start();
            return runtime;
        }
        catch
        {
            exitNat?.Dispose();
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

    /// <summary>
    /// The TUN actor opens the device once the actors run; the node is up only when it did. A device that cannot be
    /// opened stops the node (the guardian reports it to <see cref="NodeFailure"/>), and start-up fails with that message.
    /// </summary>
    private static async Task WaitForTunAsync(WebApplication app, string name, Task opened, CancellationToken cancellationToken)
    {
        var failure = app.Services.GetRequiredService<NodeFailure>();
        string? problem;
        try
        {
            var first = await Task.WhenAny(opened, failure.Failed).WaitAsync(TunOpenBound, cancellationToken);
            problem = first == failure.Failed ? failure.Failed.Result : null;
        }
        catch (TimeoutException)
        {
            problem = $"the TUN device '{name}' did not open within {TunOpenBound.TotalSeconds:0} s";
        }

        if (problem is not null)
        {
            await app.DisposeAsync();
            throw new NodeStartException(problem);
        }
    }

    private static async Task<WebApplication> StartHostAsync(
        NodeSettings settings,
        NodeInfo info,
        NodeDataPlane dataPlane,
        NameDirectoryHolder names,
        Func<IReadOnlyList<ChildSpec>> children,
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
        builder.Services.AddSingleton(names);
        builder.Services.AddSingleton(new SocksStats(settings.Socks.MaxSessions));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        builder.Services.AddMeshNode(settings, info, children);

        var app = builder.Build();
        app.UseApiToken(settings.ApiToken);
        app.MapAdminApi();
        app.MapDataPlaneApi();
        app.MapPeerApi();
        app.MapRouteApi();
        app.MapExitApi();
        app.MapNameApi();
        app.MapSocksApi();
        app.MapTunnelApi();
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

    /// <summary>Starts the SOCKS5 gateway when <c>socks.listen</c> is set; a port it cannot bind stops the node (exit 1).</summary>
    private async Task StartSocksAsync(NodeSettings settings)
    {
        if (settings.Socks.Listen is not { } endPoint)
        {
            return;
        }

        try
        {
            _socks = SocksGateway.Start(
                endPoint,
                settings.Socks,
                new SocksTargets(Services.GetRequiredService<NameDirectoryHolder>(), settings.Dns.Domain, SocksTargets.SystemResolver),
                Services.GetRequiredService<SocksStats>(),
                Services.GetRequiredService<ILoggerFactory>().CreateLogger<SocksGateway>());
        }
        catch (System.Net.Sockets.SocketException e)
        {
            _dns?.Dispose();
            _dns = null;
            await _app.DisposeAsync();
            throw new NodeStartException($"cannot serve SOCKS5 on socks.listen {endPoint}: {e.Message}", e);
        }
    }

    /// <summary>An exit (<c>exit.prefixes</c>) turns on IP forwarding and its NAT; without a TUN device it cannot be one.</summary>
    /// <summary>Sets up the exit's NAT and forwarding once the TUN device is open (its actor opened it).</summary>
    private static DataPlane.Tun.Linux.ExitNat? OpenExit(NodeSettings settings)
    {
        if (!settings.Exit.Enabled)
        {
            return null;
        }

        if (!settings.Tun.Enabled)
        {
            throw new NodeStartException("exit.prefixes needs the TUN device: the exit's kernel forwards the mesh's packets (tun.enabled = on, no --no-tun)");
        }

        try
        {
            return DataPlane.Tun.Linux.ExitNat.Open(settings.Exit.Prefixes, settings.Exit.MasqueradeInterface, settings.Tun.Name);
        }
        catch (DataPlane.Tun.TunDeviceException e)
        {
            throw new NodeStartException($"cannot set up the exit (exit.prefixes, exit.masquerade-interface): {e.Message}", e);
        }
    }

    /// <summary>Completes when the host stops (signal, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        if (_socks is not null)
        {
            await _socks.DisposeAsync();
            _socks = null;
        }

        _dns?.Dispose();
        _dns = null;
        await _app.DisposeAsync();
        _exitNat?.Dispose();
        _exitNat = null;
        await _dataPlane.DisposeAsync();
    }
}
