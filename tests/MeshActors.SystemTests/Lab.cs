namespace MeshActors.SystemTests;

/// <summary>
/// One namespace lab built by deploy/lab/lab.sh under the prefix <see cref="Prefix"/>; disposing it tears down
/// everything the script created (processes by PID, then namespaces and state by name prefix).
/// </summary>
internal sealed class Lab : IDisposable
{
    public const string Prefix = "masys";

    /// <summary>Pause between ping attempts; "network unreachable" fails at once and must not spin.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    private Lab(string topology)
    {
        Topology = topology;
    }

    public string Topology { get; }

    public static string StateDirectory => $"/tmp/{Prefix}-state";

    public static Lab Up(string topology)
    {
        var lab = new Lab(topology);
        lab.Script("up", topology);
        return lab;
    }

    /// <summary>Namespaces that currently exist under the lab prefix.</summary>
    public static string[] Namespaces() =>
        Shell.Run("ip", "netns", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[0])
            .Where(name => name.StartsWith(Prefix + "-", StringComparison.Ordinal))
            .Order()
            .ToArray();

    public void Start(string dll) => Script("start", "--dll", dll);

    public void Cut(string a, string b) => Script("cut", a, b);

    public void Heal(string a, string b) => Script("heal", a, b);

    public CommandOutput Exec(string node, params string[] command) => Shell.Run(RepoPaths.LabScript, ["--prefix", Prefix, "exec", node, .. command]);

    /// <summary>One ping from <paramref name="node"/>; true if answered within a second.</summary>
    public bool Pings(string node, string address) => Exec(node, "ping", "-c1", "-W1", address).ExitCode == 0;

    /// <summary>Pings once a second until answered; false if <paramref name="timeout"/> passes first.</summary>
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
