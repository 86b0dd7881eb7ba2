using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Nat;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

/// <summary>Hole-punching probes on a node's shared UDP socket: reported only for a registered token, rate-limited,
/// everything else counted and dropped on the reader thread.</summary>
public sealed class UdpProbesTests
{
    [Fact]
    public async Task A_probe_with_a_registered_token_is_reported_with_its_source_and_others_are_counted()
    {
        await using var x = LoopbackNode.Create();
        await using var y = LoopbackNode.Create();
        var reports = new ConcurrentQueue<IPEndPoint>();
        y.Udp.Probes.Expect(42, reports.Enqueue);
        var to = new IPEndPoint(IPAddress.Loopback, y.Udp.LocalEndPoint.Port);

        Assert.True(x.Udp.Probes.Send(to, 42));
        Assert.True(x.Udp.Probes.Send(to, 7));
        using (var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            var bad = new byte[ProbeFrame.Size];
            ProbeFrame.Write(42, bad);
            bad[3] = 1; // reserved byte set: not a probe
            stranger.SendTo(bad, to);
        }

        await Eventually.True(() => y.Udp.Probes.Counts[ProbeResult.Unknown] == 2 && reports.Count == 1);
        Assert.True(reports.TryPeek(out var from));
        Assert.Equal(x.Udp.LocalEndPoint.Port, from!.Port);
        Assert.Equal(1, y.Udp.Probes.Counts[ProbeResult.Received]);
        Assert.Equal(2, x.Udp.Probes.Counts[ProbeResult.Sent]);
    }

    [Fact]
    public async Task A_stream_of_probes_from_one_source_is_reported_a_few_times_not_once_each_and_a_forgotten_token_never()
    {
        await using var x = LoopbackNode.Create();
        await using var y = LoopbackNode.Create();
        var reports = 0;
        y.Udp.Probes.Expect(5, _ => Interlocked.Increment(ref reports));
        var to = new IPEndPoint(IPAddress.Loopback, y.Udp.LocalEndPoint.Port);

        for (var i = 0; i < 200; i++)
        {
            x.Udp.Probes.Send(to, 5);
        }

        await Eventually.True(() => Arrived(y) >= 150);
        await QuietFor(y, quietMs: 300);
        Assert.InRange(Volatile.Read(ref reports), 1, 20);

        y.Udp.Probes.Forget(5);
        var before = Volatile.Read(ref reports);
        var received = y.Udp.Probes.Counts[ProbeResult.Received];
        var unknown = y.Udp.Probes.Counts[ProbeResult.Unknown];
        x.Udp.Probes.Send(to, 5);
        await Eventually.True(() => y.Udp.Probes.Counts[ProbeResult.Unknown] > unknown);
        Assert.Equal(received, y.Udp.Probes.Counts[ProbeResult.Received]);
        Assert.Equal(before, Volatile.Read(ref reports));
    }

    private static long Arrived(LoopbackNode node) =>
        node.Udp.Probes.Counts[ProbeResult.Received] + node.Udp.Probes.Counts[ProbeResult.Unknown];

    /// <summary>Waits until no probe arrived for <paramref name="quietMs"/>: loopback may drop some of a burst, so the
    /// test cannot wait for all of them, and one still in flight would land after the token is forgotten.</summary>
    private static Task QuietFor(LoopbackNode node, int quietMs)
    {
        var last = -1L;
        return Eventually.True(
            () =>
            {
                var now = Arrived(node);
                var settled = now == last;
                last = now;
                return settled;
            },
            pollMs: quietMs);
    }
}
