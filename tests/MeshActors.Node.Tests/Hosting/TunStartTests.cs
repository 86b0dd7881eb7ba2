using MeshActors.Node.Hosting;
using MeshActors.Node.Tests.Messaging;
using Serilog.Core;
using Serilog.Events;

namespace MeshActors.Node.Tests.Hosting;

/// <summary>The whole start path of a node whose TUN device the host refuses: the TUN actor's typed failure becomes
/// the start error (one line, the device named), and nothing of the node keeps running.</summary>
public sealed class TunStartTests
{
    [Fact]
    public async Task A_tun_device_the_host_refuses_fails_the_start_with_one_line_naming_the_device()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the interface-name rule this relies on is Linux's; the project's test runs are on Linux
        }

        var settings = BusTestNode.TestSettings() with { Tun = new MeshActors.Node.Settings.TunSettings(true, "bad/name", 1400) };
        using var identity = Crypto.NodeIdentity.Generate();
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Warning);
        await using var logger = NodeLogging.CreateLogger(levelSwitch);

        var failure = await Assert.ThrowsAsync<NodeStartException>(() => NodeRuntime.StartAsync(settings, identity, logger, levelSwitch));

        Assert.StartsWith("cannot set up TUN device 'bad/name': 'bad/name' is not a valid Linux interface name", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }
}
