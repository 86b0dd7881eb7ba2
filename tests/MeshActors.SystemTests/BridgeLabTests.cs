using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// One node in two meshes: the namespace lab's bridge topology A—B—C, where A and B form mesh "home" (fd6d::/16) and
/// B and C mesh "work" (fd77::/16); B runs both from one config (a node process per mesh, each with its own key,
/// TUN device and API) and bridges A's 10.220.0.1/32 into work and C's 10.221.0.3/32 into home, and nothing else.
/// </summary>
public sealed class BridgeLabTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(90);

    private static string Dll => RepoPaths.NodeDll()!;

    [NodeLabFact]
    public void A_node_in_two_meshes_bridges_the_prefixes_it_is_told_to_and_no_other()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var lab = Lab.Up("bridge");
        lab.Start(Dll);

        Assert.True(lab.PingsWithin("C", "10.220.0.1", Convergence), "C (work) cannot ping A (home) through B's bridge\n" + Lab.LogTails());
        output.WriteLine($"C pings A across the bridge after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(lab.PingsWithin("A", "10.221.0.3", Convergence), "A (home) cannot ping C (work) through B's bridge\n" + Lab.LogTails());

        // B's own address in home is not bridged: work has no route to it.
        Assert.NotEqual(0, lab.Exec("C", "ping", "-c1", "-W1", "10.220.0.2").ExitCode);

        // One API per mesh, each its own node: a key, an overlay address in that mesh's prefix, the exits it serves.
        var home = JsonNode.Parse(lab.Exec("B", "curl", "-sS", "http://127.0.0.1:8989/api/v1/admin").Output)!;
        var work = JsonNode.Parse(lab.Exec("B", "curl", "-sS", "http://127.0.0.1:8990/api/v1/admin").Output)!;
        Assert.NotEqual(home["publicKey"]!.GetValue<string>(), work["publicKey"]!.GetValue<string>());
        Assert.StartsWith("fd6d:", home["address"]!.GetValue<string>());
        Assert.StartsWith("fd77:", work["address"]!.GetValue<string>());
        var exits = lab.Exec("B", "dotnet", Dll, "ctl", "exits", "--json", "--node", "http://127.0.0.1:8990");
        Assert.Equal(["10.220.0.1/32"], JsonNode.Parse(exits.Output)!["serving"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Contains("[home] ", Lab.LogTails(1000));
        Assert.Contains("[work] ", Lab.LogTails(1000));
    }
}
