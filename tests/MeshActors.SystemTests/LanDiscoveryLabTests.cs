using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// LAN discovery between whole nodes: A, B and C on one bridge (lab.sh topology <c>lan</c>), started with no peers at
/// all and <c>discovery.lan = on</c>; they must hear each other's link-local beacons, link, and route the overlay.
/// </summary>
public sealed class LanDiscoveryLabTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    private static string Dll => RepoPaths.NodeDll()!;

    [NodeLabFact]
    public void Nodes_on_one_bridge_with_no_peers_configured_find_each_other_link_and_ping_over_the_overlay()
    {
        Assert.True(Shell.OnPath("curl"), "curl is needed");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var lab = Lab.Up("lan");
        lab.Start(Dll);
        var nodes = new[] { "A", "B", "C" };
        var addresses = nodes.ToDictionary(node => node, node => lab.OverlayAddress(Dll, node).ToString());

        foreach (var (from, to) in new[] { ("A", "B"), ("A", "C"), ("B", "C"), ("C", "A") })
        {
            Assert.True(lab.PingsWithin(from, addresses[to], Convergence), $"{from} cannot ping {to} at {addresses[to]}\n" + Lab.LogTails());
        }

        output.WriteLine($"all pings answered {clock.Elapsed.TotalSeconds:0.0} s after the lab came up");

        // Each node comes to hold a direct link to both others (both sides dial, so the duplicate rule may close one
        // link first). Nobody configured a peer, so each of the three links was dialled from a beacon by at least one
        // side, whose lan-N child stays (up, or standing by beside the link the other side dialled).
        var deadline = DateTime.UtcNow + Convergence;
        string state;
        while (!Linked(lab, nodes, out state))
        {
            Assert.True(DateTime.UtcNow < deadline, state + "\n" + Lab.LogTails());
            Thread.Sleep(250);
        }

        output.WriteLine($"every node linked to both others {clock.Elapsed.TotalSeconds:0.0} s after the lab came up");
        foreach (var node in nodes)
        {
            var metrics = lab.Exec(node, "curl", "-s", "127.0.0.1:8989/metrics").Output;
            Assert.Contains("meshactors_discovery_lan_total{event=\"malformed\"} 0", metrics);
        }
    }

    /// <summary>True when every node has two links up and the lan-N peers number one per link at least; else the peer
    /// tables in <paramref name="state"/>.</summary>
    private static bool Linked(Lab lab, string[] nodes, out string state)
    {
        var tables = nodes.ToDictionary(node => node, node => JsonNode.Parse(lab.Exec(node, "curl", "-s", "127.0.0.1:8989/api/v1/admin/peers").Output)?.AsArray() ?? []);
        var allUp = tables.Values.All(peers => peers.Count(peer => peer!["state"]!.GetValue<string>() == "up") == 2);
        var lanChildren = tables.Values.Sum(peers => peers.Count(peer => peer!["actor"]!.GetValue<string>().StartsWith("lan-", StringComparison.Ordinal)
            && peer["endpoint"]!.GetValue<string>().Contains("@udp://[fe80::", StringComparison.Ordinal)));
        state = $"links not settled ({lanChildren} lan-N peers): " + string.Join("\n", tables.Select(pair => $"{pair.Key}: {pair.Value.ToJsonString()}"));
        return allUp && lanChildren >= 3;
    }
}
