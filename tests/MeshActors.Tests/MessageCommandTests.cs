using System.Text;
using System.Text.Json.Nodes;
using MeshActors.Cli;
using MeshActors.Crypto;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Hosting;
using MeshActors.Node.Settings;
using MeshActors.Testing.Doubles;
using Serilog.Core;
using Serilog.Events;

namespace MeshActors.Tests;

/// <summary>One in-process node (NodeRuntime, no TUN) with a loopback TCP link port; its API on a free port.</summary>
public sealed class CliTestNode : IAsyncDisposable
{
    private readonly NodeIdentity _identity;
    private readonly Logger _logger;
    private readonly TempFolder _data;

    private CliTestNode(NodeRuntime runtime, NodeIdentity identity, Logger logger, int port, TempFolder data)
    {
        _data = data;
        Runtime = runtime;
        _identity = identity;
        _logger = logger;
        Port = port;
    }

    public NodeRuntime Runtime { get; }

    public int Port { get; }

    public string Url => $"http://{Runtime.ApiEndPoint}";

    public string Key => Runtime.Info.PublicKey;

    public static async Task<CliTestNode> StartAsync(CliTestNode? peer = null)
    {
        var port = TestPorts.Next();
        var data = new TempFolder();
        var settings = SettingsLoader.Load(null, new SettingsOverrides { NoTun = true, ApiAddress = "127.0.0.1:0", DataDir = data.Path }) with
        {
            Listen = [PeerUri.Parse($"tcp://127.0.0.1:{port}")],
            Peers = peer is null ? [] : [PeerUri.Parse($"tcp://127.0.0.1:{peer.Port}")],
        };
        var identity = NodeIdentity.Generate();
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Warning);
        var logger = NodeLogging.CreateLogger(levelSwitch);
        return new CliTestNode(await NodeRuntime.StartAsync(settings, identity, logger, levelSwitch), identity, logger, port, data);
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await _logger.DisposeAsync();
        _identity.Dispose();
        _data.Dispose();
    }
}

/// <summary>Two nodes, A dialling B, started once for the CLI tests; ready when A has a route to B and back.</summary>
public sealed class LinkedNodes : IAsyncLifetime
{
    public CliTestNode A { get; private set; } = null!;

    public CliTestNode B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        B = await CliTestNode.StartAsync();
        A = await CliTestNode.StartAsync(B);
        await WaitForRouteAsync(A, B);
        await WaitForRouteAsync(B, A);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }

    private static async Task WaitForRouteAsync(CliTestNode from, CliTestNode to)
    {
        using var http = new HttpClient { BaseAddress = new Uri(from.Url) };
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await http.GetStringAsync("/api/v1/admin/routes/selected")).Contains(to.Runtime.Info.Subnet, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < until, $"no route from {from.Url} to {to.Runtime.Info.Subnet} within 60 s");
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(nameof(LinkedNodesCollection))]
public sealed class LinkedNodesCollection : ICollectionFixture<LinkedNodes>;

[Collection(nameof(LinkedNodesCollection))]
public sealed class MessageCommandTests(LinkedNodes nodes)
{
    [Fact]
    public async Task Text_and_file_sent_from_A_are_received_on_B_with_their_topic()
    {
        var file = Path.GetTempFileName();
        var bytes = new byte[50_000];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(file, bytes);
        try
        {
            var text = await Cli.Run("message", "send", nodes.B.Key, "hello bus", "--topic", "cli-text", "--node", nodes.A.Url);
            var sentFile = await Cli.Run("message", "send", nodes.B.Key, "--file", file, "--topic", "cli-file", "--node", nodes.A.Url);
            var gotText = await ReceiveOnB("cli-text");
            var gotFile = await ReceiveOnB("cli-file");

            Assert.Equal(ExitCodes.Success, text.Code);
            Assert.Equal(ExitCodes.Success, sentFile.Code);
            Assert.Equal("hello bus", Encoding.UTF8.GetString(Bytes(gotText, "payload")));
            Assert.Equal("cli-text", Encoding.UTF8.GetString(Bytes(gotText, "topic")));
            Assert.Equal(nodes.A.Key, gotText["srcPk"]!.GetValue<string>());
            Assert.Equal(bytes, Bytes(gotFile, "payload"));
            Assert.Equal("cli-file", Encoding.UTF8.GetString(Bytes(gotFile, "topic")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Status_shows_the_message_read_once_B_took_it()
    {
        var sent = await Cli.Run("message", "send", nodes.B.Key, "status me", "--topic", "cli-status", "--json", "--node", nodes.A.Url);
        var id = JsonNode.Parse(sent.Out)!["id"]!.GetValue<string>();
        await ReceiveOnB("cli-status");

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var status = await StatusOnA(id);
        while (status["state"]!.ToJsonString() != "\"read\"")
        {
            Assert.True(DateTime.UtcNow < until, $"message {id} not read within 30 s: {status}");
            await Task.Delay(100);
            status = await StatusOnA(id);
        }

        Assert.Equal("status me".Length, status["msgLen"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_reply_from_B_is_printed_by_the_waiting_sender()
    {
        var ask = Cli.Run("message", "send", nodes.B.Key, "ping?", "--topic", "cli-ask", "--wait", "--timeout", "15", "--node", nodes.A.Url);
        var question = await ReceiveOnB("cli-ask");

        var reply = await Cli.Run("message", "reply", question["id"]!.GetValue<string>(), "pong!", "--node", nodes.B.Url);
        var answer = await ask;

        Assert.Equal(ExitCodes.Success, reply.Code);
        Assert.Equal("reply sent", reply.Out.Trim());
        Assert.Equal(ExitCodes.Success, answer.Code);
        Assert.Contains($"({nodes.B.Key})", answer.Out);
        Assert.EndsWith("pong!", answer.Out.TrimEnd());
    }

    [Fact]
    public async Task A_reply_to_a_message_this_node_never_received_needs_an_explicit_destination()
    {
        var reply = await Cli.Run("message", "reply", "00000000000000aa", "pong!", "--node", nodes.B.Url);

        Assert.Equal(ExitCodes.RuntimeFailure, reply.Code);
        Assert.Contains("was not received here", reply.Error);
        Assert.Contains("give dst", reply.Error);
    }

    private async Task<JsonNode> ReceiveOnB(string topic)
    {
        var run = await Cli.Run("message", "receive", "--topic", topic, "--timeout", "10", "--json", "--node", nodes.B.Url);
        Assert.True(run.Code == ExitCodes.Success, $"receive {topic}: {run.Error}");
        return JsonNode.Parse(run.Out)!;
    }

    private static byte[] Bytes(JsonNode message, string field) => Convert.FromBase64String(message[field]!.GetValue<string>());

    private async Task<JsonNode> StatusOnA(string id)
    {
        var run = await Cli.Run("message", "status", id, "--node", nodes.A.Url);
        Assert.True(run.Code == ExitCodes.Success, $"status {id}: {run.Error}");
        return JsonNode.Parse(run.Out)!;
    }
}

/// <summary>Runs the CLI in process and captures its exit code, standard output and standard error.</summary>
internal static class Cli
{
    public static async Task<(int Code, string Out, string Error)> Run(params string[] args)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await MeshCli.RunAsync(args, output, error, cancel.Token);
        return (code, output.ToString(), error.ToString());
    }
}
