using System.Net;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// Names, DNS and automatic IPv4 addresses between whole nodes in a namespace line A—B—C, where A and C reach each
/// other only through the overlay. Nodes are configured with <c>ipv4.network</c> alone (no IPv4 address), serve DNS on
/// 127.0.0.1:53 in their namespace, and are named after their node (A announces "a", lab.sh's "A" lower-cased).
/// </summary>
public sealed class NamesLabTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    private static readonly IPNetwork Network = IPNetwork.Parse("10.250.0.0/16");

    private static string Dll => RepoPaths.NodeDll()!;

    [NodeLabFact]
    public void Nodes_with_only_an_ipv4_network_ping_each_other_by_the_addresses_they_chose_and_dns_answers_across_the_line()
    {
        Assert.True(Shell.OnPath("dig"), "dig is needed (Debian: dnsutils)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var lab = Lab.Up("line");
        lab.Start(Dll, ipv4Network: Network.ToString(), dns: "127.0.0.1:53");
        output.WriteLine($"lab up and nodes started after {clock.Elapsed.TotalSeconds:0.0} s");

        // Each node's own DNS knows its own address first; the far end learns it from the flooded records.
        var chosen = new Dictionary<string, IPAddress>();
        foreach (var node in new[] { "A", "B", "C" })
        {
            chosen[node] = Resolve(lab, node, node.ToLowerInvariant(), "A") ?? throw new Xunit.Sdk.XunitException($"{node} never answered its own name\n" + Lab.LogTails());
            Assert.True(Network.Contains(chosen[node]), $"{node} chose {chosen[node]}, outside {Network}");
        }

        output.WriteLine($"each node answered its own name after {clock.Elapsed.TotalSeconds:0.0} s: " + string.Join(", ", chosen.Select(pair => $"{pair.Key} = {pair.Value}")));
        Assert.Equal(3, chosen.Values.Distinct().Count());

        Assert.Equal(chosen["A"], Resolve(lab, "C", "a", "A"));
        Assert.Equal(lab.OverlayAddress(Dll, "A"), Resolve(lab, "C", "a", "AAAA"));
        Assert.Equal(chosen["C"], Resolve(lab, "A", "c", "A"));
        Assert.Contains("status: NXDOMAIN", lab.Exec("C", "dig", "@127.0.0.1", "nobody.mesh", "AAAA").Output);
        var pointer = lab.Exec("C", "dig", "@127.0.0.1", "+short", "-x", lab.OverlayAddress(Dll, "A").ToString()).Output.Trim();
        Assert.Equal("a.mesh.", pointer);
        output.WriteLine($"names resolved across the line after {clock.Elapsed.TotalSeconds:0.0} s");

        foreach (var (from, to) in new[] { ("A", "C"), ("C", "A"), ("A", "B"), ("B", "C"), ("C", "B"), ("B", "A") })
        {
            Assert.True(lab.PingsWithin(from, chosen[to].ToString(), Convergence), $"{from} cannot ping {to} at {chosen[to]}\n" + Lab.LogTails());
        }

        output.WriteLine($"all six pings answered after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>The first answer of <paramref name="type"/> for NAME.mesh from the DNS server of <paramref name="node"/>, polled until it comes.</summary>
    private static IPAddress? Resolve(Lab lab, string node, string name, string type)
    {
        var deadline = DateTime.UtcNow + Convergence;
        while (DateTime.UtcNow < deadline)
        {
            var answer = lab.Exec(node, "dig", "@127.0.0.1", "+short", "+time=1", "+tries=1", $"{name}.mesh", type).Output
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (answer.Length > 0 && IPAddress.TryParse(answer[0].Trim(), out var address))
            {
                return address;
            }

            Thread.Sleep(250);
        }

        return null;
    }
}
