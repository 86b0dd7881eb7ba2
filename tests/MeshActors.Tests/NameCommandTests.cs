using MeshActors.Cli;
using MeshActors.Testing.Doubles;

namespace MeshActors.Tests;

[Collection(nameof(LinkedNodesCollection))]
public sealed class NameCommandTests(LinkedNodes nodes)
{
    [Fact]
    public async Task Names_list_shows_the_own_claim_and_the_peers_record()
    {
        // B's record reaches A within a flood; poll (at most 15 s) rather than assume a delay.
        var run = await Cli.Run("names", "list", "--node", nodes.A.Url);
        for (var poll = 0; poll < 150 && !run.Out.Contains(nodes.B.Key[..16], StringComparison.Ordinal); poll++)
        {
            await Task.Delay(100);
            run = await Cli.Run("names", "list", "--node", nodes.A.Url);
        }

        Assert.Equal(ExitCodes.Success, run.Code);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("this node: no node-name", lines[0].Trim());
        Assert.StartsWith("NAME", lines[1]);
        Assert.Contains(lines, line => line.Contains(nodes.B.Key[..16], StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Success, (await Cli.Run("ctl", "names", "--node", nodes.A.Url, "--json")).Code);
    }

    [Fact]
    public async Task Name_to_ipv6_of_a_name_nobody_announced_is_smolmesh2s_hash_form()
    {
        var asked = await Cli.Run("name-to-ipv6", "alice", "--node", nodes.A.Url);
        var offline = await Cli.Run("name-to-ipv6", "alice", "--offline");

        Assert.Equal(ExitCodes.Success, asked.Code);
        Assert.Equal("fd00:95ed:8a27:5320:3e4b:7be2:478d:404d", asked.Out.Trim());
        Assert.Equal(asked.Out, offline.Out);
    }

    [Fact]
    public async Task Name_to_ipv6_refuses_an_empty_name_and_an_unreachable_node()
    {
        Assert.Equal(ExitCodes.UsageOrConfig, (await Cli.Run("name-to-ipv6", "")).Code);
        var unreachable = await Cli.Run("name-to-ipv6", "alice", "--node", $"http://127.0.0.1:{TestPorts.Next()}");
        Assert.Equal(ExitCodes.RuntimeFailure, unreachable.Code);
        Assert.Contains("cannot reach the node", unreachable.Error);
    }
}
