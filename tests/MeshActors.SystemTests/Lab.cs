using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MeshActors.SystemTests;

/// <summary>
/// One namespace lab built by deploy/lab/lab.sh under the prefix <see cref="Prefix"/>; disposing it tears down
/// everything the script created (processes by PID, then namespaces and state by name prefix).
/// </summary>
internal sealed class Lab : IDisposable
{
    /// <summary>Namespace prefix; <c>MA_SYSTEST_PREFIX</c> gives concurrent runs (one per worktree) their own.</summary>
    public static readonly string Prefix = Environment.GetEnvironmentVariable("MA_SYSTEST_PREFIX") is { Length: > 0 } prefix ? prefix : "masys";

    /// <summary>Pause between ping attempts; "network unreachable" fails at once and must not spin.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    private Lab(string topology)
    {
        Topology = topology;
    }

    public string Topology { get; }

    public static string StateDirectory => $"/tmp/{Prefix}-state";

    private static string LogDirectory => $"{StateDirectory}/logs";

    /// <summary>Builds the topology; if that fails half way, removes what was built before throwing.</summary>
    public static Lab Up(string topology)
    {
        var lab = new Lab(topology);
        try
        {
            lab.Script("up", topology);
        }
        catch
        {
            lab.Down();
            throw;
        }

        return lab;
    }

    /// <summary>Namespaces that currently exist under the lab prefix.</summary>
    public static string[] Namespaces() =>
        Shell.Run("ip", "netns", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[0])
            .Where(name => name.StartsWith(Prefix + "-", StringComparison.Ordinal))
            .Order()
            .ToArray();

    /// <summary>Starts every node that is not running (all of them at first; after <see cref="Kill"/>, that one again).</summary>
    /// <param name="udpLinks">Links (numbered as in lab.sh) dialled over UDP with 1,472-byte frames instead of TCP.</param>
    /// <param name="ipv4Network">When set, nodes take automatic IPv4 addresses in this CIDR instead of 10.220.0.N.</param>
    /// <param name="dns">When set, every node serves DNS on this HOST:PORT inside its namespace.</param>
    /// <param name="udpSegments">False: UDP links carry only what fits one datagram instead of cutting longer frames into segments.</param>
    /// <param name="socks">When set, every node serves its SOCKS5 gateway on this loopback HOST:PORT inside its namespace.</param>
    /// <param name="tunMtu">When set, every node's overlay MTU (lab.sh's default is 9000).</param>
    public void Start(
        string dll, string udpLinks = "", string? ipv4Network = null, string? dns = null, bool udpSegments = true, string? socks = null, string? expose = null,
        int? tunMtu = null) =>
        Script(["start", "--dll", dll, "--udp-links", udpLinks,
            .. udpSegments ? Array.Empty<string>() : ["--no-udp-segments"],
            .. ipv4Network is null ? Array.Empty<string>() : ["--ipv4-network", ipv4Network],
            .. dns is null ? Array.Empty<string>() : ["--dns", dns],
            .. socks is null ? Array.Empty<string>() : ["--socks", socks],
            .. expose is null ? Array.Empty<string>() : ["--expose", expose],
            .. tunMtu is null ? Array.Empty<string>() : ["--tun-mtu", tunMtu.Value.ToString(CultureInfo.InvariantCulture)]]);

    /// <summary>Crashes one node (SIGKILL); its key and config stay, so <see cref="Start"/> brings back the same node.</summary>
    public void Kill(string node) => Script("kill", node);

    /// <summary>The node's key-derived overlay IPv6 address, as <c>inspect --json</c> derives it from the node's config and key.</summary>
    public IPAddress OverlayAddress(string dll, string node)
    {
        var result = Shell.Run("dotnet", dll, "inspect", "--json", "--config", $"{StateDirectory}/config/{node}.hocon");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"inspect of node {node} failed: {result}");
        }

        using var json = JsonDocument.Parse(result.Output);
        return IPAddress.Parse(json.RootElement.GetProperty("address").GetString()!);
    }

    /// <summary>The last lines of every node log, for assertion messages.</summary>
    public static string LogTails(int lines = 15) =>
        string.Join('\n', Directory.Exists(LogDirectory)
            ? Directory.GetFiles(LogDirectory).Order().Select(log => $"--- {log}\n{string.Join('\n', File.ReadLines(log).TakeLast(lines))}")
            : []);

    public void Cut(string a, string b) => Script("cut", a, b);

    public void Heal(string a, string b) => Script("heal", a, b);

    public CommandOutput Exec(string node, params string[] command) => Shell.Run(RepoPaths.LabScript, ["--prefix", Prefix, "exec", node, .. command]);

    /// <summary>One ping (-6 for an IPv6 address) from <paramref name="node"/>; true if answered within a second.</summary>
    public bool Pings(string node, string address) =>
        Exec(node, "ping", address.Contains(':') ? "-6" : "-4", "-c1", "-W1", address).ExitCode == 0;

    /// <summary>
    /// <paramref name="count"/> pings from <paramref name="node"/>, one per <paramref name="interval"/> (each may take a
    /// second to answer); blocks until the series ends.
    /// </summary>
    public PingSeries PingSeries(string node, IPAddress address, int count, TimeSpan interval)
    {
        var output = Exec(node, "ping", address.AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4", "-n", "-W1",
            "-c", count.ToString(CultureInfo.InvariantCulture),
            "-i", interval.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture), address.ToString()).Output;
        return SystemTests.PingSeries.Parse(output, count, interval);
    }

    /// <summary>Pings until answered; false if <paramref name="timeout"/> passes first.</summary>
    public bool PingsWithin(string node, string address, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Pings(node, address))
            {
                return true;
            }

            Thread.Sleep(RetryPause);
        }

        return false;
    }

    public void Down() => Script("down");

    public void Dispose() => Down();

    private void Script(params string[] arguments)
    {
        var result = Shell.Run(RepoPaths.LabScript, ["--prefix", Prefix, .. arguments]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"lab.sh {string.Join(' ', arguments)} failed: {result}");
        }
    }
}
