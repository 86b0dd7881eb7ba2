using MeshActors.Cli;
using MeshActors.Testing.Doubles;

namespace MeshActors.Tests;

[Collection(nameof(LinkedNodesCollection))]
public sealed class CtlViewCommandTests(LinkedNodes nodes)
{
    [Fact]
    public async Task Links_table_lists_the_peer_as_up()
    {
        var run = await Cli.Run("ctl", "links", "--node", nodes.A.Url);

        Assert.Equal(ExitCodes.Success, run.Code);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("LINK", lines[0]);
        var row = Assert.Single(lines, line => line.Contains($"127.0.0.1:{nodes.B.Port}", StringComparison.Ordinal));
        Assert.Contains(row.Split(' ', StringSplitOptions.RemoveEmptyEntries), cell => cell.Equals("up", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Routes_table_lists_the_peer_subnet()
    {
        var run = await Cli.Run("ctl", "routes", "--node", nodes.A.Url);

        Assert.Equal(ExitCodes.Success, run.Code);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("PREFIX", lines[0]);
        Assert.Single(lines, line => line.StartsWith(nodes.B.Runtime.Info.Subnet, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exits_view_says_the_node_is_no_exit_and_knows_none()
    {
        var run = await Cli.Run("ctl", "exits", "--node", nodes.A.Url);
        var json = await Cli.Run("ctl", "exits", "--json", "--node", nodes.A.Url);

        Assert.Equal(ExitCodes.Success, run.Code);
        Assert.Equal(["this node is no exit", "no exits known"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(ExitCodes.Success, json.Code);
        var view = System.Text.Json.Nodes.JsonNode.Parse(json.Out)!;
        Assert.Empty(view["serving"]!.AsArray());
        Assert.Empty(view["prefixes"]!.AsArray());
    }

    [Fact]
    public async Task Watch_with_count_two_prints_two_refreshes_and_exits()
    {
        var run = await Cli.Run("ctl", "watch", "--count", "2", "--node", nodes.A.Url);

        Assert.Equal(ExitCodes.Success, run.Code);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Count(line => line.StartsWith("--- ", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(line => line.Contains($"127.0.0.1:{nodes.B.Port}", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ctl", "links")]
    [InlineData("ctl", "exits")]
    [InlineData("ctl", "watch", "--count", "2")]
    [InlineData("message", "receive")]
    public async Task A_node_url_where_nothing_listens_fails_with_one_error_line(params string[] command)
    {
        var url = $"http://127.0.0.1:{TestPorts.Next()}";

        var run = await Cli.Run([.. command, "--node", url]);

        Assert.Equal(ExitCodes.RuntimeFailure, run.Code);
        Assert.Equal("", run.Out);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot reach the node at {url}/", line);
    }
}
