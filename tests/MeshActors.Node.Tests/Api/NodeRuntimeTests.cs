using System.Diagnostics;
using System.Net.Http.Json;
using MeshActors.Crypto;
using MeshActors.Node.Actors;
using MeshActors.Node.Hosting;
using MeshActors.Node.Settings;
using MeshActors.Testing.Doubles;
using Serilog.Core;
using Serilog.Events;

namespace MeshActors.Node.Tests.Api;

public class NodeRuntimeTests
{
    [Fact]
    public async Task Serves_node_info_on_the_admin_api_and_stops_within_the_shutdown_bound()
    {
        using var data = new TempFolder();
        var settings = NodeSettingsReader.Read(HoconSource.Load(Path.Combine(AppContext.BaseDirectory, "test.conf"))) with
        {
            State = new StateSettings(data.Path, StateSettings.DefaultWriteInterval),
        };
        using var identity = NodeIdentity.Generate();
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Warning);
        await using var logger = NodeLogging.CreateLogger(levelSwitch);

        await using var node = await NodeRuntime.StartAsync(settings, identity, logger, levelSwitch);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{node.ApiEndPoint}") };
        var info = await http.GetFromJsonAsync<NodeInfo>("/api/v1/admin");

        Assert.NotNull(info);
        Assert.Equal(identity.Public.ToString(), info.PublicKey);
        Assert.Equal(OverlayAddressing.DeriveAddress(identity.Public, settings.OverlayPrefix).ToString(), info.Address);
        Assert.EndsWith("::/64", info.Subnet);
        Assert.Equal(NodeRuntime.Version, info.Version);

        var stopwatch = Stopwatch.StartNew();
        await node.StopAsync();
        await node.WaitForShutdownAsync();
        Assert.True(stopwatch.Elapsed < NodeRuntime.ShutdownTimeout, $"stop took {stopwatch.Elapsed}");
        Assert.True(node.ActorSystem.WhenTerminated.IsCompleted);
    }
}
