using System.Text.Json.Nodes;
using MeshActors.Cli;
using MeshActors.Crypto;
using MeshActors.Node.Hosting;
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
        // The node answers its API before every child actor exists: the registry holds each child's backoff
        // supervisor from the start, but the supervisor creates the child itself only once it has started (a loaded
        // machine showed a tree without peers/peers). Ask again until the children asserted below are in the tree.
        string[] expected = ["/user/node/peers/peers", "/user/node/routes/routes", "/user/node/messages/messages", "/user/node/nat/nat"];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<string> paths;
        while (true)
        {
            var actors = await Run("ctl", "actors", "--json", "--node", url);
            Assert.Equal(ExitCodes.Success, actors.Code);
            paths = JsonNode.Parse(actors.Out)!.AsArray().Select(a => a!["path"]!.GetValue<string>()).ToList();
            if (expected.All(paths.Contains) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        var level = await Run("ctl", "log-level", "error", "--node", url);
        var stats = await Run("ctl", "stats", "--node", url);
        var nat = await Run("ctl", "nat", "--node", url);
        var natJson = await Run("ctl", "nat", "--json", "--node", url);

        Assert.All(expected, path => Assert.Contains(path, paths));
        Assert.Equal(ExitCodes.Success, level.Code);
        Assert.Equal(LogEventLevel.Error, levelSwitch.MinimumLevel);
        Assert.Equal(ExitCodes.Success, stats.Code);
        Assert.StartsWith("COUNTER", stats.Out);
        Assert.Equal(ExitCodes.Success, nat.Code);
        Assert.StartsWith("type: unknown", nat.Out);
        Assert.Contains("no UDP neighbour has reported yet", nat.Out);
        Assert.Contains("relay: on", nat.Out);
        Assert.Equal("unknown", JsonNode.Parse(natJson.Out)!["type"]!.GetValue<string>());
    }

    private static async Task<(int Code, string Out, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await MeshCli.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
