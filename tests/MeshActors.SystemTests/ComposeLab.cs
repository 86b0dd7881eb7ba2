using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MeshActors.SystemTests;

/// <summary>
/// One Docker compose lab (deploy/compose/compose.LAB.yml) run through deploy/lab/compose-lab.sh under the project
/// name PREFIX+LAB, so containers are PREFIXline_a_1 and networks PREFIXline_ab; disposing it runs
/// <c>docker-compose down -v</c> (containers, networks and the nodes' key volumes).
/// </summary>
internal sealed class ComposeLab : IDisposable
{
    /// <summary>Pause between ping attempts; "network unreachable" fails at once and must not spin.</summary>
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    private ComposeLab(string name)
    {
        Name = name;
    }

    /// <summary><c>line</c> or <c>ring</c>.</summary>
    public string Name { get; }

    public string Project => Lab.Prefix + Name;

    /// <summary>Starts the lab's containers from the node image the <see cref="DockerEngineFixture"/> built; if that fails, removes what was made.</summary>
    public static ComposeLab Up(string name)
    {
        var lab = new ComposeLab(name);
        try
        {
            Script("up", name, "--no-image");
        }
        catch
        {
            lab.Dispose();
            throw;
        }

        return lab;
    }

    /// <summary>Runs a command inside a service's container (<c>docker exec</c>).</summary>
    public CommandOutput Exec(string service, params string[] command) => Run(["exec", Name, service, .. command]);

    /// <summary>One ping (-6 for an IPv6 address) from <paramref name="service"/>; true if answered within a second.</summary>
    public bool Pings(string service, string address) =>
        Exec(service, "ping", address.Contains(':') ? "-6" : "-4", "-c1", "-W1", address).ExitCode == 0;

    /// <summary>Pings until answered; false if <paramref name="timeout"/> passes first.</summary>
    public bool PingsWithin(string service, string address, TimeSpan timeout) => Within(timeout, () => Pings(service, address));

    /// <summary><paramref name="count"/> pings, one per <paramref name="interval"/>; blocks until the series ends.</summary>
    public PingSeries PingSeries(string service, IPAddress address, int count, TimeSpan interval)
    {
        var output = Exec(service, "ping", address.AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4", "-n", "-W1",
            "-c", count.ToString(CultureInfo.InvariantCulture),
            "-i", interval.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture), address.ToString()).Output;
        return SystemTests.PingSeries.Parse(output, count, interval);
    }

    /// <summary>The node's key-derived overlay IPv6 address, from <c>meshactors inspect --json</c> inside its container.</summary>
    public IPAddress OverlayAddress(string service)
    {
        var result = Exec(service, "meshactors", "inspect", "--json", "--config", "/etc/meshactors/node.hocon");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"inspect in {service} failed: {result}");
        }

        using var json = JsonDocument.Parse(result.Output);
        return IPAddress.Parse(json.RootElement.GetProperty("address").GetString()!);
    }

    /// <summary>Starts a command inside a service's container and returns at once (<c>docker exec -d</c>).</summary>
    public void Detach(string service, params string[] command) => Script(["docker", "exec", "-d", Container(service), .. command]);

    /// <summary>Takes a service's container off one of the lab's networks (<c>docker network disconnect</c>): its link there dies.</summary>
    public void Disconnect(string service, string network) => Script("docker", "network", "disconnect", $"{Project}_{network}", Container(service));

    /// <summary>Compose v1's name for a service's (only) container.</summary>
    private string Container(string service) => $"{Project}_{service}_1";

    /// <summary>The last lines of every container's log, for assertion messages.</summary>
    public string LogTails(int lines = 15) => Run("compose", Name, "logs", "--no-color", "--tail", lines.ToString(CultureInfo.InvariantCulture)).Output;

    public void Dispose() => Run("down", Name);

    /// <summary>True as soon as <paramref name="condition"/> holds; false if <paramref name="timeout"/> passes first.</summary>
    public static bool Within(TimeSpan timeout, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(RetryPause);
        }

        return false;
    }

    public static CommandOutput Run(params string[] arguments) =>
        Shell.Run(RepoPaths.ComposeLabScript, ["--prefix", Lab.Prefix, .. arguments]);

    public static void Script(params string[] arguments)
    {
        var result = Run(arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"compose-lab.sh {string.Join(' ', arguments)} failed: {result}");
        }
    }
}
