using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MeshActors.Testing.Doubles;

namespace MeshActors.Tests;

/// <summary>
/// A node as a real process (<c>dotnet MeshActors.dll --no-tun</c>) on loopback, with its own key file, data folder,
/// config and ports kept across restarts, so a test can <c>kill -9</c> it and start it again as the same node.
/// Its API is at <see cref="Http"/>. Output is kept for the failure message.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private readonly string _folder;
    private readonly string _config;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private NodeProcess(string folder, string name, string configBody)
    {
        Name = name;
        _folder = Path.Combine(folder, name);
        Directory.CreateDirectory(_folder);
        ApiPort = TestPorts.Next();
        LinkPort = TestPorts.Next();
        _config = Path.Combine(_folder, "node.hocon");
        File.WriteAllText(_config, $$"""
            meshactors {
              node-name = "{{name}}"
              listen = ["tcp://127.0.0.1:{{LinkPort}}"]
              log-level = info
              links { hello-interval = 200ms, dead-after = 10s, reconnect-min = 100ms, reconnect-max = 500ms }
              {{configBody}}
            }
            """);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}"), Timeout = TimeSpan.FromSeconds(90) };
    }

    public string Name { get; }

    public int ApiPort { get; }

    public int LinkPort { get; }

    public HttpClient Http { get; }

    public string DataDir => Path.Combine(_folder, "data");

    public string Key { get; private set; } = "";

    public string Subnet { get; private set; } = "";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Creates the node's folder and config (<paramref name="configBody"/> goes inside <c>meshactors { }</c>) and starts it.</summary>
    public static async Task<NodeProcess> StartAsync(string folder, string name, string configBody = "")
    {
        var node = new NodeProcess(folder, name, configBody);
        await node.StartAsync();
        return node;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                // The node turns tiered compilation off for a steady packet path; a test node wants a quick start instead.
                ["DOTNET_TieredCompilation"] = "1",
            },
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "MeshActors.dll"), "--config", _config, "--no-tun",
            "-k", Path.Combine(_folder, "priv_key.bin"), "--data-dir", DataDir, "--api-addr", $"127.0.0.1:{ApiPort}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var until = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            Assert.False(_process.HasExited, $"node exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Output}");
            Assert.True(DateTime.UtcNow < until, $"node API not up within {StartTimeout}:\n{Output}");
            try
            {
                var admin = await Http.GetFromJsonAsync<JsonObject>("/api/v1/admin");
                Key = admin!["publicKey"]!.GetValue<string>();
                Subnet = admin["subnet"]!.GetValue<string>();
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown hook, no final save.</summary>
    public void Kill()
    {
        _process!.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    public async Task WaitForRouteAsync(NodeProcess other)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!(await Http.GetStringAsync("/api/v1/admin/routes/selected")).Contains(other.Subnet, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < until, $"no route to {other.Subnet} within 120 s:\n{Output}");
            await Task.Delay(100);
        }
    }

    public async Task<string> SendAsync(NodeProcess to, byte[] payload)
    {
        using var response = await Http.PostAsJsonAsync("/api/v1/messages", new { dst = new { pk = to.Key }, payload });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    /// <summary>The message's state: "pending", "received", "read", "aborted", or "sending" with its acked chunk count.</summary>
    public async Task<(string State, int Acked)> StatusAsync(string id)
    {
        var state = (await Http.GetFromJsonAsync<JsonObject>($"/api/v1/messages/status/{id}"))!["state"]!;
        return state is JsonValue name ? (name.GetValue<string>(), 0) : ("sending", state["sending"]!["acked"]!.GetValue<int>());
    }

    /// <summary>Takes the oldest inbox message (waiting up to <paramref name="timeoutSeconds"/>); null when none came.</summary>
    public async Task<JsonObject?> ReceiveAsync(int timeoutSeconds, bool peek = false)
    {
        using var response = await Http.GetAsync($"/api/v1/messages?timeout={timeoutSeconds}{(peek ? "&peek=true" : "")}");
        return response.StatusCode == HttpStatusCode.NoContent ? null : await response.Content.ReadFromJsonAsync<JsonObject>();
    }

    /// <param name="peer">The other node of a two-node test, whose log the failure message shows too.</param>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, NodeProcess? peer = null)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"{what} not within {timeout}:\n{Output}{(peer is null ? "" : $"\n--- {peer.Name}:\n{peer.Output}")}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            Kill();
        }

        Http.Dispose();
        await Task.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
