using System.Net;
using System.Reflection;
using Akka.Actor;
using Akka.Hosting;
using MeshActors.Crypto;
using MeshActors.Node.Actors;
using MeshActors.Node.Api;
using MeshActors.Node.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

    private NodeRuntime(WebApplication app, NodeInfo info, IPEndPoint apiEndPoint)
    {
        _app = app;
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
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(settings.ApiAddress));
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(levelSwitch);
        builder.Services.AddMeshNode(settings, info);

        var app = builder.Build();
        app.MapAdminApi();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new NodeStartException($"cannot serve the API on api.address {settings.ApiAddress}: {e.Message}", e);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var apiEndPoint = new IPEndPoint(settings.ApiAddress.Address, new Uri(bound).Port);
        return new NodeRuntime(app, info, apiEndPoint);
    }

    /// <summary>Completes when the host stops (signal, or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
