using System.Text.Json.Nodes;
using Akka.Hosting;
using MeshActors.Cli;
using MeshActors.Crypto;
using MeshActors.Node.Hosting;
using MeshActors.Node.Links;
using MeshActors.Node.Messaging;
using MeshActors.Node.Nat;
using MeshActors.Node.Routing;
using MeshActors.Node.Settings;
using MeshActors.Testing.Doubles;
using Serilog.Core;
using Serilog.Events;

namespace MeshActors.Tests;

public sealed class CtlCommandTests
{
    [Fact]
    public async Task Ctl_actors_lists_the_live_tree_and_log_level_changes_the_node()
    {
        using var data = new TempFolder();
        var settings = SettingsLoader.Load(null, new SettingsOverrides { NoTun = true, ApiAddress = "127.0.0.1:0", DataDir = data.Path }) with { Listen = [] };
        using var identity = NodeIdentity.Generate();
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Warning);
        await using var logger = NodeLogging.CreateLogger(levelSwitch);
        await using var node = await NodeRuntime.StartAsync(settings, identity, logger, levelSwitch);
        var url = $"http://{node.ApiEndPoint}";
        // The node answers its API before every child actor exists (a loaded machine showed a tree without
        // peers/peers): wait until the ones asserted below have registered.
        var registry = ActorRegistry.For(node.ActorSystem);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await registry.GetAsync<PeerManager>(patience.Token);
        await registry.GetAsync<RouteTableActor>(patience.Token);
        await registry.GetAsync<MessageBusActor>(patience.Token);
        await registry.GetAsync<NatTraversalActor>(patience.Token);

        var actors = await Run("ctl", "actors", "--json", "--node", url);
        var level = await Run("ctl", "log-level", "error", "--node", url);
        var stats = await Run("ctl", "stats", "--node", url);
        var nat = await Run("ctl", "nat", "--node", url);
        var natJson = await Run("ctl", "nat", "--json", "--node", url);

        Assert.Equal(ExitCodes.Success, actors.Code);
        var paths = JsonNode.Parse(actors.Out)!.AsArray().Select(a => a!["path"]!.GetValue<string>()).ToList();
        Assert.Contains("/user/node/peers/peers", paths);
        Assert.Contains("/user/node/routes/routes", paths);
        Assert.Contains("/user/node/messages/messages", paths);
        Assert.Equal(ExitCodes.Success, level.Code);
        Assert.Equal(LogEventLevel.Error, levelSwitch.MinimumLevel);
        Assert.Equal(ExitCodes.Success, stats.Code);
        Assert.StartsWith("COUNTER", stats.Out);
        Assert.Equal(ExitCodes.Success, nat.Code);
        Assert.StartsWith("type: unknown", nat.Out);
        Assert.Contains("no UDP neighbour has reported yet", nat.Out);
        Assert.Contains("relay: on", nat.Out);
        Assert.Equal("unknown", JsonNode.Parse(natJson.Out)!["type"]!.GetValue<string>());
        Assert.Contains("/user/node/nat/nat", paths);
    }

    private static async Task<(int Code, string Out, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await MeshCli.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
