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

        // Each node holds a direct link to both others, at least one of them dialled from a beacon (lan-N, key pinned).
        foreach (var node in nodes)
        {
            var peers = JsonNode.Parse(lab.Exec(node, "curl", "-s", "127.0.0.1:8989/api/v1/admin/peers").Output)!.AsArray();
            var up = peers.Where(peer => peer!["state"]!.GetValue<string>() == "up").ToList();
            Assert.True(up.Count == 2, $"{node} has {up.Count} links up, expected 2: {peers.ToJsonString()}");
            Assert.Contains(peers, peer => peer!["actor"]!.GetValue<string>().StartsWith("lan-", StringComparison.Ordinal)
                && peer["endpoint"]!.GetValue<string>().Contains("@udp://[fe80::", StringComparison.Ordinal));
            var metrics = lab.Exec(node, "curl", "-s", "127.0.0.1:8989/metrics").Output;
            Assert.Contains("meshactors_discovery_lan_heard 2", metrics);
            Assert.Contains("meshactors_discovery_lan_total{event=\"malformed\"} 0", metrics);
        }
    }
}
