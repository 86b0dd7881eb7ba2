using MeshActors.Cli;
using MeshActors.Testing.Doubles;

namespace MeshActors.Tests;

public sealed class TunnelCommandTests
{
    [Fact]
    public async Task Tunnel_opens_lists_and_closes_bad_input_exits_2_and_an_unknown_tunnel_1()
    {
        await using var node = await CliTestNode.StartAsync();
        var local = TestPorts.Next();

        var opened = await Cli.Run("tunnel", "tcp", local.ToString(), "bob:5201", "--node", node.Url);
        var list = await Cli.Run("tunnel", "list", "--node", node.Url);
        var taken = await Cli.Run("tunnel", "udp", "0", "bob:53", "--node", node.Url);
        var badTarget = await Cli.Run("tunnel", "tcp", TestPorts.Next().ToString(), "bob", "--node", node.Url);
        var closed = await Cli.Run("tunnel", "close", "1", "--node", node.Url);
        var unknown = await Cli.Run("tunnel", "close", "1", "--node", node.Url);

        Assert.Equal((ExitCodes.Success, $"tunnel 1: tcp 127.0.0.1:{local} -> bob:5201\n"), (opened.Code, opened.Out));
        Assert.Equal(ExitCodes.Success, list.Code);
        Assert.Contains($"127.0.0.1:{local}", list.Out);
        Assert.Contains("exposed: nothing (tunnels.expose)", list.Out);
        Assert.Equal(ExitCodes.UsageOrConfig, taken.Code);
        Assert.Contains("local port must be 1..65535", taken.Error);
        Assert.Equal(ExitCodes.UsageOrConfig, badTarget.Code);
        Assert.Contains("NODE:PORT", badTarget.Error);
        Assert.Equal((ExitCodes.Success, "closed tunnel 1\n"), (closed.Code, closed.Out));
        Assert.Equal(ExitCodes.RuntimeFailure, unknown.Code);
        Assert.Contains("no tunnel 1", unknown.Error);
    }
}
