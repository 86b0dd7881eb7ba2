using System.Text.Json;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// The Docker compose labs of deploy/compose, built and run by deploy/lab/compose-lab.sh: whole nodes in containers
/// joined only by `internal` networks, with the same addresses as the namespace lab (overlay IPv4 10.220.0.1 (a) ..
/// 10.220.0.4 (d); IPv6 derived from each container's key).
/// </summary>
public sealed class ComposeLabTests(DockerEngineFixture engine, ITestOutputHelper output) : IClassFixture<DockerEngineFixture>
{
    /// <summary>Time for containers to start, link up and converge routes.</summary>
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Length of the iperf3 run, in seconds: long enough for a steady stream, short for the suite.</summary>
    private const int IperfSeconds = 3;

    [ComposeLabFact]
    public void Line_a_reaches_c_only_over_the_overlay_and_carries_an_iperf3_run()
    {
        Skip.If(engine.Unavailable is not null, engine.Unavailable);
        var lab = engine.Line;
        Assert.False(lab.Pings("a", "10.210.2.2"), "a reaches c's underlay address: the networks are not isolated");

        Assert.True(lab.PingsWithin("a", "10.220.0.3", Convergence), "a cannot reach c's overlay IPv4 address\n" + lab.LogTails());
        var c = lab.OverlayAddress("c");
        Assert.True(lab.PingsWithin("a", c.ToString(), Convergence), $"a cannot reach c's overlay IPv6 address {c}\n" + lab.LogTails());

        // one-off server in c (exits after one test); the client retries until the server listens
        lab.Detach("c", "iperf3", "-s", "-1");
        CommandOutput run = default;
        Assert.True(ComposeLab.Within(Convergence, () => (run = lab.Exec("a", "iperf3", "-J", "-c", c.ToString(), "-t", $"{IperfSeconds}")).ExitCode == 0),
            $"iperf3 a -> c failed: {run}\n" + lab.LogTails());

        using var json = JsonDocument.Parse(run.Output);
        var received = json.RootElement.GetProperty("end").GetProperty("sum_received");
        var bytes = received.GetProperty("bytes").GetInt64();
        output.WriteLine($"iperf3 a -> c over the overlay: {bytes} bytes, {received.GetProperty("bits_per_second").GetDouble() / 1e6:0} Mbit/s");
        Assert.True(bytes > 0, $"iperf3 carried nothing: {run.Output}");
    }

    [ComposeLabFact]
    public void Ring_reroutes_a_running_flow_after_docker_network_disconnect_within_the_namespace_lab_bound()
    {
        Skip.If(engine.Unavailable is not null, engine.Unavailable);
        using var lab = ComposeLab.Up("ring");
        var b = lab.OverlayAddress("b");
        Assert.True(lab.PingsWithin("a", b.ToString(), Convergence), $"a cannot reach b at {b} before the disconnect\n" + lab.LogTails());

        // 15 s of pings; the disconnect comes 3 s in, so about 12 s remain to notice the dead link, reroute a-d-c-b and resume
        var flow = Task.Run(() => lab.PingSeries("a", b, count: 75, PingInterval));
        Thread.Sleep(TimeSpan.FromSeconds(3));
        lab.Disconnect("a", "ab");
        var series = flow.GetAwaiter().GetResult();

        output.WriteLine($"a -> b while a was disconnected from a-b: {series}");
        Assert.True(series.LastAnswered > series.Count - 5, $"the flow did not resume: {series}\n" + lab.LogTails());
        Assert.True(series.LongestGap <= OverlayTests.RerouteLimit,
            $"reroute took longer than {OverlayTests.RerouteLimit.TotalSeconds} s: {series}\n" + lab.LogTails());
    }

    [ComposeLabFact]
    public void Ctl_actors_in_the_relay_container_shows_its_live_actor_tree_with_a_link_per_neighbour()
    {
        Skip.If(engine.Unavailable is not null, engine.Unavailable);
        var lab = engine.Line;

        // b is the relay: a dials it and it dials c, so once both links are up its tree holds two PeerLink actors
        string[] types = [];
        CommandOutput json = default;
        Assert.True(ComposeLab.Within(Convergence, () =>
            {
                json = lab.Exec("b", "meshactors", "ctl", "actors", "--json");
                types = json.ExitCode == 0 ? ActorTypes(json.Output) : [];
                return types.Count(type => type == "PeerLink") == 2;
            }),
            $"b's actor tree never showed two links: {json}\n" + lab.LogTails());
        Assert.Contains("PeerManager", types);
        Assert.Contains("RouteTableActor", types);
        Assert.Contains("TunDeviceActor", types);

        var table = lab.Exec("b", "meshactors", "ctl", "actors");
        output.WriteLine(table.Output);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("/user/node/peers", table.Output);
    }

    private static string[] ActorTypes(string json)
    {
        using var tree = JsonDocument.Parse(json);
        return tree.RootElement.EnumerateArray().Select(actor => actor.GetProperty("type").GetString() ?? "").ToArray();
    }
}
