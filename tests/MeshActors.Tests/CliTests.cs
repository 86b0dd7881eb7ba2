using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MeshActors.Cli;

namespace MeshActors.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meshactors-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathIn(string name) => Path.Combine(_directory, name);

    private static async Task<(int Code, string Out, string Error)> Run(params string[] args) => await Run(CancellationToken.None, args);

    private static async Task<(int Code, string Out, string Error)> Run(CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await MeshCli.RunAsync(args, output, error, cancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_lists_every_command_and_exits_zero()
    {
        var (code, output, _) = await Run("--help");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains($"Usage:{Environment.NewLine}  meshactors ", output);
        foreach (var command in new[] { "meshnode", "inspect", "keygen", "make-random-ipv4", "make-random-ipv6", "--no-tun", "--peers", "--api-addr" })
        {
            Assert.Contains(command, output);
        }
    }

    [Fact]
    public async Task An_unknown_command_says_so_and_lists_the_commands()
    {
        var (code, output, error) = await Run("frobnicate");

        Assert.Equal(ExitCodes.UsageOrConfig, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: unknown command 'frobnicate'; commands: meshnode, inspect, keygen,", error);
        Assert.Contains("Run 'meshactors --help' for usage.", error);
    }

    [Fact]
    public async Task A_key_file_path_that_is_a_directory_is_named_as_such()
    {
        var (code, _, error) = await Run("inspect", "-k", _directory);

        Assert.Equal(ExitCodes.KeyFile, code);
        Assert.Contains("is a directory", error);
    }

    [Fact]
    public async Task A_taken_udp_listen_port_is_named_as_udp()
    {
        using var blocker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)blocker.Client.LocalEndPoint!).Port;
        var config = PathIn("udp.hocon");
        await File.WriteAllTextAsync(config, $"meshactors {{ listen = [\"udp://127.0.0.1:{port}\"], log-level = error }}");

        var (code, _, error) = await Run("--no-tun", "-k", PathIn("k.bin"), "--api-addr", "127.0.0.1:0", "--config", config);

        Assert.Equal(ExitCodes.RuntimeFailure, code);
        Assert.Contains($"cannot listen on udp://127.0.0.1:{port}", error);
        Assert.Contains($"the UDP port {port} is taken", error);
    }

    [Fact]
    public async Task A_taken_api_port_ends_a_real_process_with_one_clear_line_and_no_stack_trace()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var config = PathIn("no-links.hocon");
        await File.WriteAllTextAsync(config, "meshactors { listen = [], log-level = info }");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "MeshActors.dll"), config, "--no-tun", "-k", PathIn("k.bin"), "--api-addr", $"127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        var lines = ((await stdout) + (await stderr)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(ExitCodes.RuntimeFailure, process.ExitCode);
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("[DEBUG]", StringComparison.Ordinal) || line.Contains("[DBG]", StringComparison.Ordinal));
        Assert.Single(lines, line => line.StartsWith("error: ", StringComparison.Ordinal) && line.Contains("api.address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inspect_json_prints_key_and_address_and_is_stable_across_runs()
    {
        var key = PathIn("priv_key.bin");

        var first = await Run("inspect", "--json", "-k", key);
        var second = await Run("inspect", "--json", "--key-file", key);

        Assert.Equal(ExitCodes.Success, first.Code);
        Assert.Equal(first.Out, second.Out);
        using var json = JsonDocument.Parse(first.Out);
        var publicKey = json.RootElement.GetProperty("publicKey").GetString()!;
        var address = IPAddress.Parse(json.RootElement.GetProperty("address").GetString()!);
        Assert.Equal(64, publicKey.Length);
        Assert.StartsWith("fd6d:", address.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    [Fact]
    public async Task Inspect_of_a_given_key_derives_its_address()
    {
        var (code, output, _) = await Run("inspect", "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("Address: fd6d:754c:e370:19b3:372f:8c90:7018:45f7", output);
    }

    [Fact]
    public async Task Keygen_writes_a_private_key_file_and_refuses_to_overwrite_it()
    {
        var key = PathIn("new.bin");

        var created = await Run("keygen", key);
        var again = await Run("keygen", key);

        Assert.Equal(ExitCodes.Success, created.Code);
        Assert.Equal(32, new FileInfo(key).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Equal(ExitCodes.KeyFile, again.Code);
        Assert.Contains("already exists", again.Error);
    }

    [Fact]
    public async Task Corrupt_key_file_is_an_error_and_left_in_place()
    {
        var key = PathIn("corrupt.bin");
        await File.WriteAllBytesAsync(key, new byte[10]);

        var (code, _, error) = await Run("inspect", "-k", key);

        Assert.Equal(ExitCodes.KeyFile, code);
        Assert.Contains("exactly 32 bytes", error);
        Assert.Equal(10, new FileInfo(key).Length);
    }

    [Fact]
    public async Task Random_addresses_are_in_their_ranges()
    {
        var v4 = IPAddress.Parse((await Run("make-random-ipv4")).Out.Trim());
        var v6 = IPAddress.Parse((await Run("make-random-ipv6")).Out.Trim());

        Assert.Equal(AddressFamily.InterNetwork, v4.AddressFamily);
        Assert.Equal(10, v4.GetAddressBytes()[0]);
        Assert.NotEqual(0, v4.GetAddressBytes()[3]);
        Assert.NotEqual(255, v4.GetAddressBytes()[3]);
        Assert.Equal(AddressFamily.InterNetworkV6, v6.AddressFamily);
        Assert.Equal(0xfd, v6.GetAddressBytes()[0]);
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--port", "abc")]
    [InlineData("--bogus")]
    [InlineData("--peers", "ftp://x:1")]
    [InlineData("--peers", "tcp://x")]
    [InlineData("--api-addr", "localhost")]
    [InlineData("--socks", "0.0.0.0:1080")]
    [InlineData("--socks", "localhost:1080")]
    [InlineData("--tun-name", "this-name-is-too-long")]
    [InlineData("--config", "/nonexistent.hocon")]
    [InlineData("inspect", "not-a-key")]
    [InlineData("meshnode", "a.hocon", "--config", "b.hocon")]
    [InlineData("nosuchcommand")]
    public async Task Bad_flags_exit_with_usage_code_and_a_clear_error(params string[] args)
    {
        var (code, output, error) = await Run([.. args, "-k", "/nonexistent-dir/never-created.bin"]);

        Assert.Equal(ExitCodes.UsageOrConfig, code);
        Assert.StartsWith("error: ", error);
        Assert.Equal("", output);
        Assert.False(File.Exists("/nonexistent-dir/never-created.bin"));
    }

    [Fact]
    public async Task Bad_config_file_prints_file_line_and_key()
    {
        var config = PathIn("bad.hocon");
        await File.WriteAllTextAsync(config, "meshactors {\n  tun {\n    mtu = 70000\n  }\n}\n");

        var (code, _, error) = await Run(config);

        Assert.Equal(ExitCodes.UsageOrConfig, code);
        Assert.Equal($"error: {config}:3: meshactors.tun.mtu: must be 1280..65000, got 70000", error.Trim());
    }

    [Fact]
    public async Task Meshnode_runs_until_cancelled_and_exits_zero()
    {
        var config = PathIn("node.hocon");
        await File.WriteAllTextAsync(config, $"meshactors {{ key-file = \"{PathIn("node.key")}\", listen = [], log-level = warning }}");
        using var stop = new CancellationTokenSource();

        var run = Run(stop.Token, "meshnode", config, "--no-tun", "--api-addr", "127.0.0.1:0");
        await WaitUntil(() => File.Exists(PathIn("node.key")), TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        var (code, _, error) = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(code == ExitCodes.Success, error);
    }

    [Fact]
    public async Task Api_port_in_use_is_a_runtime_failure_with_the_key_named()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var (code, _, error) = await Run("--no-tun", "-k", PathIn("k.bin"), "--api-addr", $"127.0.0.1:{port}", "--config", WriteQuietConfig());

        Assert.Equal(ExitCodes.RuntimeFailure, code);
        Assert.Contains("api.address", error);
    }

    private string WriteQuietConfig()
    {
        var path = PathIn("quiet.hocon");
        File.WriteAllText(path, "meshactors { listen = [], log-level = error }");
        return path;
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
