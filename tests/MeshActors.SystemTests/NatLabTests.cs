using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// Hole punching between whole nodes behind Linux home routers (deploy/lab/nat-lab.sh): A and B dial only the public
/// node P over UDP; a bus message from A to B has to find, or fail to find, a direct path. Times are printed; the
/// bounds asserted are generous so a loaded machine passes (the measured figures are in deploy/README.md).
/// </summary>
public sealed class NatLabTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);

    private static string Dll => RepoPaths.NodeDll()!;

    [NatLabFact]
    public async Task Cone_and_cone_link_directly_after_the_first_message_the_relay_goes_quiet_and_a_rebinding_is_survived()
    {
        using var lab = NatLab.Up("cone", "cone");
        lab.Start(Dll);
        var (a, b) = await ReadyAsync(lab);

        var clock = Stopwatch.StartNew();
        using (var sent = await lab.SendAsync("a", b, [1]))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        await Until(() => lab.LinkedAsync("a", b), TimeSpan.FromSeconds(10), "a never linked directly to b");
        output.WriteLine($"cone-cone: direct link a->b up {clock.Elapsed.TotalMilliseconds:0} ms after the first message");
        await Until(() => lab.LinkedAsync("b", a), TimeSpan.FromSeconds(10), "b never listed the direct link to a");
        Assert.NotNull(await lab.ReceiveAsync("b", 10));
        await Until(async () => await lab.NextHopAsync("a", b) == b && await lab.NextHopAsync("b", a) == a, TimeSpan.FromSeconds(30), "routes never went direct");
        output.WriteLine($"cone-cone: both routes direct {clock.Elapsed.TotalMilliseconds:0} ms after the first message");

        var relayedBefore = await lab.RelayedAsync("p");
        for (var i = 0; i < 20; i++)
        {
            using var sent = await lab.SendAsync("a", b, [2, (byte)i]);
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.NotNull(await lab.ReceiveAsync("b", 10));
        }

        Assert.Equal(relayedBefore, await lab.RelayedAsync("p"));

        // NAT rebinding: router A forgets every mapping; the direct link must carry traffic again within 5 s.
        lab.Flush("a");
        clock.Restart();
        using (var sent = await lab.SendAsync("a", b, [3]))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        Assert.NotNull(await lab.ReceiveAsync("b", 5));
        Assert.True(await lab.LinkedAsync("a", b) && await lab.LinkedAsync("b", a), "the direct link did not survive the rebinding\n" + NatLab.LogTails());
        output.WriteLine($"cone-cone: message delivered {clock.Elapsed.TotalMilliseconds:0} ms after router A's conntrack flush, direct link still up");
    }

    [NatLabFact]
    public async Task Behind_cone_nats_a_node_that_knows_only_a_rendezvous_links_directly_to_another_with_no_traffic()
    {
        using var lab = NatLab.Up("cone", "cone");
        var sinceStart = Stopwatch.StartNew();
        lab.Start(Dll, rendezvous: true);
        string? a = null, b = null, p = null;
        await Until(async () => (a ??= await lab.KeyAsync("a")) is not null && (b ??= await lab.KeyAsync("b")) is not null
            && (p ??= await lab.KeyAsync("p")) is not null, Startup, "the nodes' APIs never answered");
        await Until(async () => await lab.LinkedAsync("a", p!) && await lab.LinkedAsync("b", p!), Startup, "A and B never linked to P");
        var clock = Stopwatch.StartNew();

        await Until(async () => await lab.LinkedAsync("a", b!) && await lab.LinkedAsync("b", a!), TimeSpan.FromSeconds(30), "A and B never linked directly");
        output.WriteLine($"rendezvous: direct link a<->b seen {clock.Elapsed.TotalMilliseconds:0} ms after both were seen linked to p, "
            + $"{sinceStart.Elapsed.TotalSeconds:0.0} s after the nodes started");
        var introduced = 0L;
        foreach (var node in new[] { "a", "b" })
        {
            introduced += (await lab.NatAsync(node))["punches"]!["introductions_received"]!.GetValue<long>();
        }

        Assert.True(introduced >= 1, "the direct link came without an introduction");
        Assert.Null(await lab.ReceiveAsync("b", 0));
    }

    [NatLabFact]
    public async Task Pings_through_the_tun_devices_punch_a_direct_link_as_bus_messages_do()
    {
        Assert.True(File.Exists("/dev/net/tun"), "this test needs /dev/net/tun");
        using var lab = NatLab.Up("cone", "cone");
        lab.Start(Dll, tun: true);
        var (_, b) = await ReadyAsync(lab);
        var address = await lab.AddressAsync("b");

        var clock = Stopwatch.StartNew();
        var pings = Task.Run(() => lab.Exec("a", "ping", "-6", "-n", "-c", "30", "-i", "0.2", "-W", "1", address));
        await Until(() => lab.LinkedAsync("a", b), TimeSpan.FromSeconds(15), "pings never made a direct link");
        output.WriteLine($"cone-cone: direct link a->b up {clock.Elapsed.TotalMilliseconds:0} ms after the first ping");
        var result = await pings;
        var received = System.Text.RegularExpressions.Regex.Match(result.Output, @"(\d+) received");
        Assert.True(received.Success && int.Parse(received.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 25,
            "pings should keep flowing while the path moves from the relay to the direct link:\n" + result.Output);
    }

    [NatLabFact]
    public async Task Symmetric_and_cone_link_directly_within_30_seconds()
    {
        using var lab = NatLab.Up("symmetric", "cone");
        lab.Start(Dll);
        var (_, b) = await ReadyAsync(lab);

        var clock = Stopwatch.StartNew();
        using (var sent = await lab.SendAsync("a", b, [1]))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        Assert.NotNull(await lab.ReceiveAsync("b", 10));
        await Until(() => lab.LinkedAsync("a", b), TimeSpan.FromSeconds(45), "a symmetric NAT never linked directly to a cone");
        output.WriteLine($"symmetric-cone: direct link a->b up {clock.Elapsed.TotalMilliseconds:0} ms after the first message");
    }

    [NatLabFact]
    public async Task Symmetric_and_symmetric_keep_their_traffic_on_the_relay_without_an_error()
    {
        using var lab = NatLab.Up("symmetric", "symmetric");
        lab.Start(Dll);
        var (_, b) = await ReadyAsync(lab);

        for (var i = 0; i < 10; i++)
        {
            using var sent = await lab.SendAsync("a", b, [(byte)i]);
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
            Assert.True(await lab.ReceiveAsync("b", 30) is not null, $"message {i} did not reach b within 30 s\n" + NatLab.LogTails(40));
        }

        Assert.False(await lab.LinkedAsync("a", b));
        Assert.Equal(await lab.KeyAsync("p"), await lab.NextHopAsync("a", b));
        Assert.True(await lab.RelayedAsync("p") > 0);
    }

    [NatLabFact]
    public async Task A_node_behind_nat_whose_relay_goes_links_to_a_relay_it_learnt_from_the_records_and_keeps_its_traffic()
    {
        using var lab = NatLab.Up("cone", "cone");
        lab.Start(Dll, secondRelay: true);
        var (_, b) = await ReadyAsync(lab);
        string? q = null;
        await Until(async () => (q ??= await lab.KeyAsync("q")) is not null, Startup, "Q's API never answered");
        var p = (await lab.KeyAsync("p"))!;

        // Q's record (public endpoint, relay flag) reaches A through P; A, behind NAT, is served by P already. On a
        // slow start A may hear Q's record before P's own says P is a relay, and dial Q at once: a second relay link,
        // harmless, but then there is no failover left to time (it still must keep its traffic below).
        JsonObject? lastNat = null;
        await Until(
            async () => (lastNat = await lab.NatAsync("a")) is var nat && nat["role"]!.GetValue<string>() == "client"
                && Relay(nat, q!) is not null && Relay(nat, p) is { } relayP && relayP["linked"]!.GetValue<bool>(),
            TimeSpan.FromSeconds(60), () => $"A never listed Q as a relay beside its linked relay P; A's nat: {lastNat?.ToJsonString()}");
        var linkedToQBefore = Relay(lastNat!, q!)!["linked"]!.GetValue<bool>();
        var qNat = await lab.NatAsync("q");
        Assert.Equal("relay", qNat["role"]!.GetValue<string>());
        Assert.Contains($"10.213.4.2:9651", qNat["publicEndpoints"]!.AsArray().Select(e => e!.GetValue<string>()));

        var clock = Stopwatch.StartNew();
        lab.Kill("p");
        await Until(() => lab.LinkedAsync("a", q!), TimeSpan.FromSeconds(60), "A never linked to relay Q after P went");
        output.WriteLine(linkedToQBefore
            ? "relay keeping: A had linked to Q before P went (it heard Q's record first)"
            : $"relay keeping: A linked to Q {clock.Elapsed.TotalMilliseconds:0} ms after P was told to stop");
        var relay = Relay(await lab.NatAsync("a"), q!)!;
        Assert.True(relay["linked"]!.GetValue<bool>() && relay["dialled"]!.GetValue<bool>());
        var peers = await lab.PeersAsync("a");
        Assert.True(
            peers.Any(peer => peer!["publicKey"]?.GetValue<string>() == q && peer["actor"]!.GetValue<string>().StartsWith("relay-", StringComparison.Ordinal)),
            "A's peers list no relay-N link to Q: " + peers.ToJsonString());

        await Until(() => lab.LinkedAsync("b", q!), TimeSpan.FromSeconds(60), "B never linked to relay Q after P went");
        using (var sent = await lab.SendAsync("a", b, [7]))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        Assert.True(await lab.ReceiveAsync("b", 60) is not null, "A's message did not reach B after P went\n" + NatLab.LogTails(40));
        output.WriteLine($"relay keeping: A's message reached B {clock.Elapsed.TotalMilliseconds:0} ms after P was told to stop");
    }

    private static JsonNode? Relay(JsonObject nat, string key) =>
        nat["relays"]!.AsArray().FirstOrDefault(relay => relay!["publicKey"]!.GetValue<string>() == key);

    /// <summary>Waits until every node answers, A and B are linked to P and A has a route to B; returns A's and B's keys.</summary>
    private static async Task<(string A, string B)> ReadyAsync(NatLab lab)
    {
        string? a = null, b = null, p = null;
        await Until(async () => (a ??= await lab.KeyAsync("a")) is not null && (b ??= await lab.KeyAsync("b")) is not null
            && (p ??= await lab.KeyAsync("p")) is not null, Startup, "the nodes' APIs never answered");
        await Until(async () => await lab.LinkedAsync("a", p!) && await lab.LinkedAsync("b", p!) && await lab.NextHopAsync("a", b!) == p,
            Startup, "A and B never reached each other through P");
        Assert.False(await lab.LinkedAsync("a", b!));
        return (a!, b!);
    }

    private static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string because) => Until(condition, timeout, () => because);

    private static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The node is still starting.
            }

            Assert.True(DateTime.UtcNow < deadline, because() + "\n" + NatLab.LogTails());
            await Task.Delay(20);
        }
    }
}
