using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// Whole nodes (MeshActors.dll) in namespace labs: the overlay joins nodes the underlay cannot, carries TCP, reroutes
/// around a cut link within the documented time, and takes a restarted node back. Node IPv4 addresses come from
/// lab.sh: 10.220.0.1 (A) .. 10.220.0.4 (D); IPv6 addresses are derived from each node's key.
/// </summary>
public sealed class OverlayTests(ITestOutputHelper output)
{
    /// <summary>Time for nodes to start, link up and converge routes.</summary>
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Documented reroute time with the default link timers (hocon/reference.conf meshactors.links: a link silent for
    /// dead-after = 3 s is dropped and its routes retracted, well inside 5 s). The compose ring lab is held to it too.
    /// </summary>
    internal static readonly TimeSpan RerouteLimit = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(200);

    private static string Dll => RepoPaths.NodeDll()!;

    [NodeLabFact]
    public void Line_ends_reach_each_other_only_through_the_overlay_over_IPv4_and_IPv6()
    {
        using var lab = Lab.Up("line");
        Assert.False(lab.Pings("A", "10.210.2.2"));

        lab.Start(Dll);

        Assert.True(lab.PingsWithin("A", "10.220.0.3", Convergence), "A cannot reach C's overlay IPv4 address\n" + Lab.LogTails());
        Assert.True(lab.PingsWithin("C", "10.220.0.1", Convergence), "C cannot reach A's overlay IPv4 address\n" + Lab.LogTails());
        var a = lab.OverlayAddress(Dll, "A");
        var c = lab.OverlayAddress(Dll, "C");
        Assert.True(lab.PingsWithin("A", c.ToString(), Convergence), $"A cannot reach C's overlay IPv6 address {c}\n" + Lab.LogTails());
        Assert.True(lab.PingsWithin("C", a.ToString(), Convergence), $"C cannot reach A's overlay IPv6 address {a}\n" + Lab.LogTails());
    }

    [NodeLabFact]
    public async Task Line_carries_a_TCP_stream_from_A_to_C()
    {
        using var lab = Lab.Up("line");
        lab.Start(Dll);
        var c = lab.OverlayAddress(Dll, "C");
        Assert.True(lab.PingsWithin("A", c.ToString(), Convergence), $"A cannot reach C at {c}\n" + Lab.LogTails());

        var result = await TcpTransfer.RunAsync($"{Lab.Prefix}-A", $"{Lab.Prefix}-C", c, TimeSpan.FromSeconds(3));

        output.WriteLine($"A -> C over TCP: {result.Received} bytes in {result.Elapsed.TotalSeconds:0.0} s, {result.Mbits:0} Mbit/s");
        Assert.True(result.Received > 0, "nothing arrived\n" + Lab.LogTails());
        Assert.Equal(result.Sent, result.Received);

        // C's kernel took the stream with checksums marked partial, A's handed it over with checksums left partial
        // for the node to complete (tun.checksum-offload and tun.segmentation-offload are on by default).
        var tun = TunState(lab, "C");
        Assert.Equal("checksum+tso+uso", tun["offload"]!.GetValue<string>());
        Assert.True(Event(TunState(lab, "A"), "checksums_completed") > 0, TunState(lab, "A").ToJsonString());
    }

    [NodeLabTheory]
    [InlineData("", 1400)]
    [InlineData("1 2", 1280)]
    public async Task At_internet_mtu_a_TCP_stream_leaves_as_super_packets_and_arrives_merged(string udpLinks, int tunMtu)
    {
        using var lab = Lab.Up("line");
        lab.Start(Dll, udpLinks: udpLinks, tunMtu: tunMtu);
        var c = lab.OverlayAddress(Dll, "C");
        Assert.True(lab.PingsWithin("A", c.ToString(), Convergence), $"A cannot reach C at {c}\n" + Lab.LogTails());

        var result = await TcpTransfer.RunAsync($"{Lab.Prefix}-A", $"{Lab.Prefix}-C", c, TimeSpan.FromSeconds(3));

        output.WriteLine($"A -> C over TCP at MTU {tunMtu}, UDP links '{udpLinks}': {result.Received} bytes in {result.Elapsed.TotalSeconds:0.0} s, {result.Mbits:0} Mbit/s");
        Assert.Equal(result.Sent, result.Received);
        var a = DataPlane(lab, "A");
        var cState = DataPlane(lab, "C");
        output.WriteLine($"A: {a.ToJsonString()}\nC: {cState.ToJsonString()}");

        // A's kernel handed the stream over in super packets that A cut into MTU-sized packets; C's writer merged
        // runs of them back into super packets for its kernel.
        var aTun = a["tun"]!;
        var cTun = cState["tun"]!;
        Assert.True(Event(aTun, "super_packets_read") > 0 && Event(aTun, "segments_cut") > Event(aTun, "super_packets_read"), aTun.ToJsonString());
        Assert.Equal(0, Event(aTun, "malformed_read"));
        Assert.True(Event(cTun, "super_packets_written") > 0 && Event(cTun, "segments_coalesced") > Event(cTun, "super_packets_written"), cTun.ToJsonString());
        if (udpLinks != "")
        {
            // Each packet fits one datagram: A's link sent runs of them in one system call each.
            Assert.True(a["udp"]!.AsArray().Sum(u => u!["segmentedSends"]!.GetValue<long>()) > 0, a.ToJsonString());
        }
    }

    private static JsonNode DataPlane(Lab lab, string node) =>
        JsonNode.Parse(lab.Exec(node, "curl", "-sS", "http://127.0.0.1:8989/api/v1/admin/dataplane").Output)!;

    private static JsonNode TunState(Lab lab, string node) => DataPlane(lab, node)["tun"]!;

    private static long Event(JsonNode tun, string name) => tun["offloadEvents"]![name]!.GetValue<long>();

    [NodeLabFact]
    public async Task A_smaller_link_further_along_the_path_teaches_the_sender_its_path_MTU()
    {
        using var lab = Lab.Up("line");
        lab.Start(Dll, udpLinks: "2", udpSegments: false); // A—B over TCP (65,507-byte frames), B—C over UDP (1,472-byte frames, no segments)
        var c = lab.OverlayAddress(Dll, "C");
        Assert.True(lab.PingsWithin("A", c.ToString(), Convergence), $"A cannot reach C at {c}\n" + Lab.LogTails());

        // 2,000-byte pings fit A's first link but not B's next one: B reports it, A's node answers Packet Too Big,
        // and A's kernel fragments the following pings to the path MTU.
        var ping = lab.Exec("A", "ping", "-6", "-n", "-c", "6", "-i", "0.3", "-W", "1", "-s", "2000", c.ToString()).Output;
        output.WriteLine(ping);
        Assert.Contains("Packet too big", ping, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@" [3-6] received", ping);

        // TCP starts with segments for the 9,000-byte overlay MTU; without Packet Too Big it would stall (a black hole).
        var result = await TcpTransfer.RunAsync($"{Lab.Prefix}-A", $"{Lab.Prefix}-C", c, TimeSpan.FromSeconds(3));
        output.WriteLine($"A -> C over TCP across the smaller link: {result.Received} bytes, {result.Mbits:0} Mbit/s");
        Assert.True(result.Received > 0, "nothing arrived\n" + Lab.LogTails());
        Assert.Equal(result.Sent, result.Received);
    }

    [NodeLabFact]
    public async Task Udp_links_carry_packets_longer_than_a_datagram_in_segments_without_shrinking_the_path_MTU()
    {
        using var lab = Lab.Up("line");
        lab.Start(Dll, udpLinks: "1 2"); // both links over UDP, 1,472-byte datagrams on the 1,500-byte veths
        var c = lab.OverlayAddress(Dll, "C");
        Assert.True(lab.PingsWithin("A", c.ToString(), Convergence), $"A cannot reach C at {c}\n" + Lab.LogTails());

        // 8,000-byte pings (within the 9,000-byte overlay MTU) cross both UDP links whole: no Packet Too Big
        var ping = lab.Exec("A", "ping", "-6", "-n", "-c", "4", "-i", "0.3", "-W", "1", "-M", "do", "-s", "8000", c.ToString()).Output;
        output.WriteLine(ping);
        Assert.DoesNotContain("too big", ping, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@" [3-4] received", ping);

        var result = await TcpTransfer.RunAsync($"{Lab.Prefix}-A", $"{Lab.Prefix}-C", c, TimeSpan.FromSeconds(3));
        output.WriteLine($"A -> C over two UDP links: {result.Received} bytes, {result.Mbits:0} Mbit/s");
        Assert.True(result.Received > 0, "nothing arrived\n" + Lab.LogTails());
        Assert.Equal(result.Sent, result.Received);
    }

    [NodeLabFact]
    public void Ring_reroutes_a_running_flow_around_a_cut_link_within_the_documented_time_and_recovers_after_heal()
    {
        using var lab = Lab.Up("ring4");
        lab.Start(Dll);
        var b = lab.OverlayAddress(Dll, "B");
        Assert.True(lab.PingsWithin("A", b.ToString(), Convergence), $"A cannot reach B at {b} before the cut\n" + Lab.LogTails());

        // 15 s of pings; the cut comes 3 s in, so about 12 s remain to notice the dead link, reroute A-D-C-B and resume
        var flow = Task.Run(() => lab.PingSeries("A", b, count: 75, PingInterval));
        Thread.Sleep(TimeSpan.FromSeconds(3));
        lab.Cut("A", "B");
        var series = flow.GetAwaiter().GetResult();

        output.WriteLine($"A -> B while A-B was cut: {series}");
        Assert.True(series.LastAnswered > series.Count - 5, $"the flow did not resume: {series}\n" + Lab.LogTails());
        Assert.True(series.LongestGap <= RerouteLimit, $"reroute took longer than {RerouteLimit.TotalSeconds} s: {series}\n" + Lab.LogTails());

        // after the heal, A-B carries traffic again: with A-D cut too, D is only reachable over A-B-C-D
        lab.Heal("A", "B");
        lab.Cut("A", "D");
        Assert.True(lab.PingsWithin("A", "10.220.0.4", Convergence), "A cannot reach D after healing A-B and cutting A-D\n" + Lab.LogTails());
    }

    [NodeLabFact]
    public void Line_relay_that_crashes_and_restarts_with_the_same_key_rejoins()
    {
        using var lab = Lab.Up("line");
        lab.Start(Dll);
        var b = lab.OverlayAddress(Dll, "B");
        var c = lab.OverlayAddress(Dll, "C");
        Assert.True(lab.PingsWithin("A", c.ToString(), Convergence), $"A cannot reach C at {c} before the crash\n" + Lab.LogTails());

        lab.Kill("B");
        Assert.False(lab.PingsWithin("A", c.ToString(), TimeSpan.FromSeconds(2)), "A still reaches C with the only relay dead");

        var restart = Stopwatch.StartNew();
        lab.Start(Dll);
        Assert.Equal(b, lab.OverlayAddress(Dll, "B"));
        Assert.True(lab.PingsWithin("A", c.ToString(), Convergence), $"A cannot reach C after B restarted\n" + Lab.LogTails());
        output.WriteLine($"A reached C again {restart.Elapsed.TotalSeconds:0.0} s after B was started again");
        Assert.True(lab.PingsWithin("A", b.ToString(), Convergence), $"A cannot reach the restarted B at {b}\n" + Lab.LogTails());
        Assert.True(lab.PingsWithin("C", "10.220.0.1", Convergence), "C cannot reach A after B restarted\n" + Lab.LogTails());
    }
}
