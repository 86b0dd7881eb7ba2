using System.Diagnostics;
using System.Net;
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

    private static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string because)
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

            Assert.True(DateTime.UtcNow < deadline, because + "\n" + NatLab.LogTails());
            await Task.Delay(20);
        }
    }
}
