using System.Text.Json.Nodes;
using MeshActors.Cli;

namespace MeshActors.Tests;

/// <summary>What a user sees from the commands that talk to a running node: exit codes, messages and table cells.</summary>
[Collection(nameof(LinkedNodesCollection))]
public sealed class CliInputTests(LinkedNodes nodes)
{
    [Theory]
    [InlineData("garbage://::nope", "peers", "add", "garbage://::nope")]
    [InlineData("bogus", "message", "status", "bogus")]
    [InlineData("not-a-key", "message", "send", "not-a-key", "hello")]
    [InlineData("bogus", "ctl", "log-level", "bogus")]
    [InlineData("bogus", "routes", "bogus")]
    public async Task Input_the_node_cannot_take_exits_2_and_names_what_was_typed(string typed, params string[] command)
    {
        var run = await Cli.Run([.. command, "--node", nodes.A.Url]);

        Assert.Equal(ExitCodes.UsageOrConfig, run.Code);
        Assert.Equal("", run.Out);
        Assert.StartsWith("error: ", run.Error);
        Assert.Contains(typed, run.Error);
        Assert.DoesNotContain("body", run.Error);
    }

    [Fact]
    public async Task Receive_on_an_empty_inbox_exits_with_the_no_message_code()
    {
        var run = await Cli.Run("message", "receive", "--topic", "nobody-sends-this", "--node", nodes.A.Url);

        Assert.Equal(ExitCodes.NoMessage, run.Code);
        Assert.Equal("", run.Out);
        Assert.StartsWith("no message", run.Error);
    }

    [Fact]
    public async Task Send_prints_the_id_as_text_and_as_json_only_when_asked()
    {
        var text = await Cli.Run("message", "send", nodes.B.Key, "plain", "--topic", "cli-plain", "--node", nodes.A.Url);
        var json = await Cli.Run("message", "send", nodes.B.Key, "json", "--topic", "cli-plain", "--json", "--node", nodes.A.Url);

        Assert.Equal(ExitCodes.Success, text.Code);
        Assert.Matches("^sent [0-9a-f]{16}$", text.Out.Trim());
        Assert.Equal(16, JsonNode.Parse(json.Out)!["id"]!.GetValue<string>().Length);
        Assert.Equal(ExitCodes.Success, (await Cli.Run("message", "receive", "--topic", "cli-plain", "--timeout", "30", "--node", nodes.B.Url)).Code);
        Assert.Equal(ExitCodes.Success, (await Cli.Run("message", "receive", "--topic", "cli-plain", "--timeout", "30", "--node", nodes.B.Url)).Code);
    }

    [Fact]
    public async Task Peers_are_named_by_the_remote_node_and_loss_reads_the_same_in_every_table()
    {
        var peers = await Cli.Run("peers", "list", "--node", nodes.A.Url);
        var links = await Cli.Run("ctl", "links", "--node", nodes.A.Url);
        var json = JsonNode.Parse((await Cli.Run("peers", "list", "--json", "--node", nodes.A.Url)).Out)!.AsArray();

        var peer = Assert.Single(json, p => p!["publicKey"]?.GetValue<string>() == nodes.B.Key)!;
        Assert.Equal(nodes.B.Key[..8], peer["name"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(peer["actor"]!.GetValue<string>()));
        var peerRow = Assert.Single(peers.Out.Split('\n'), line => line.StartsWith(nodes.B.Key[..8], StringComparison.Ordinal));
        var linkRow = Assert.Single(links.Out.Split('\n'), line => line.StartsWith(nodes.B.Key[..8], StringComparison.Ordinal));
        var loss = $"{peer["loss"]!.GetValue<double>() * 100:0.0} %";
        Assert.Contains(loss, peerRow);
        Assert.Contains(loss, linkRow);
    }
}
