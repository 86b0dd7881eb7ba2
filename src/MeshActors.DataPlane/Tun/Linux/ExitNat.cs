using System.Net.Sockets;
using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tun.Linux;

/// <summary>
/// What a Linux exit needs from its host while it runs: IP forwarding for the families of its exit prefixes (so the
/// kernel passes the mesh's packets from the TUN device on), and, with a masquerade interface, an iptables/ip6tables
/// MASQUERADE rule on it (so replies from a network that has no route to the mesh come back). <see cref="Dispose"/>
/// removes the rules and restores the forwarding switches it changed. Runs in the calling process's network namespace.
/// </summary>
/// <remarks>Control plane only; each step spawns a tool or writes one /proc file.</remarks>
public sealed class ExitNat : IDisposable
{
    private const string Ipv4Forwarding = "/proc/sys/net/ipv4/ip_forward";
    private const string Ipv6Forwarding = "/proc/sys/net/ipv6/conf/all/forwarding";

    private readonly List<(string File, string Previous)> _switched = [];
    private readonly List<(ExternalCommand Tool, string[] Rule)> _rules = [];

    private ExitNat()
    {
    }

    /// <summary>Sets the host up; on a failure undoes what it did and throws <see cref="TunDeviceException"/>.</summary>
    /// <param name="tunName">Named in the rules' comment, so an operator sees which node added them.</param>
    public static ExitNat Open(IReadOnlyList<IpPrefix> prefixes, string masqueradeInterface, string tunName)
    {
        var nat = new ExitNat();
        try
        {
            foreach (var (family, forwarding, tool) in new[]
            {
                (AddressFamily.InterNetwork, Ipv4Forwarding, "iptables"),
                (AddressFamily.InterNetworkV6, Ipv6Forwarding, "ip6tables"),
            })
            {
                if (!prefixes.Any(prefix => prefix.Family == family))
                {
                    continue;
                }

                nat.Switch(forwarding);
                if (masqueradeInterface.Length > 0)
                {
                    nat.AddRule(new ExternalCommand(tool),
                        ["POSTROUTING", "-o", masqueradeInterface, "-m", "comment", "--comment", $"meshactors exit {tunName}", "-j", "MASQUERADE"]);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TunDeviceException)
        {
            nat.Dispose();
            throw e as TunDeviceException ?? new TunDeviceException($"cannot turn on IP forwarding: {e.Message}");
        }

        return nat;
    }

    public void Dispose()
    {
        foreach (var (tool, rule) in _rules)
        {
            tool.TryRun(["-t", "nat", "-D", .. rule]);
        }

        _rules.Clear();
        foreach (var (file, previous) in _switched)
        {
            try
            {
                File.WriteAllText(file, previous);
            }
            catch (IOException)
            {
                // The namespace or /proc is going away with the node; nothing is left to restore.
            }
        }

        _switched.Clear();
    }

    private void Switch(string file)
    {
        var previous = File.ReadAllText(file).Trim();
        if (previous != "1")
        {
            File.WriteAllText(file, "1");
            _switched.Add((file, previous));
        }
    }

    /// <summary>Appends <paramref name="rule"/> (a nat table chain and its match, without the -A/-D verb) and remembers
    /// it for removal.</summary>
    private void AddRule(ExternalCommand tool, string[] rule)
    {
        tool.Run(["-t", "nat", "-A", .. rule]);
        _rules.Add((tool, rule));
    }
}
