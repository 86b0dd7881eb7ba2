using System.Security.Cryptography;
using MeshActors.DataPlane.Links;
using MeshActors.Node.Links;
using MeshActors.Protocol;
using MeshActors.Protocol.Addressing;
using MeshActors.DataPlane.Transports;
using MeshActors.Crypto;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Routing;
using MeshActors.Node.Routing;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Links;

/// <summary>
/// An authenticated peer floods one PeerLink with routing frames faster than the route table can handle them: the
/// link's bounded control inbox drops and counts the excess, memory stays flat, and routing between the other peers
/// goes on (a new neighbour's routes still spread). Runs alone: the heap it measures is the whole test process's.
/// </summary>
[Collection(nameof(ControlFloodTests))]
[CollectionDefinition(nameof(ControlFloodTests), DisableParallelization = true)]
public sealed class ControlFloodTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Long enough that the flooder's link is not declared dead while the test watches it.</summary>
    private static readonly LinkTimers PatientTimers = LinkTestNode.FastTimers with { DeadAfter = TimeSpan.FromSeconds(60) };

    /// <summary>Frames sent: each carries ~30 updates from fresh random originators, which cost the route table a curve
    /// check each (≈ 1 ms a frame), so it cannot keep up; 20,000 frames ≈ 24 MB, what unbounded mailboxes would hold.</summary>
    private const int FloodFrames = 20_000;

    [Fact]
    public async Task A_control_flood_from_one_peer_is_dropped_and_counted_and_routing_between_others_goes_on()
    {
        await using var hub = LinkTestNode.Start("hub", withRoutes: true, timers: PatientTimers);
        // The honest peers must not time the hub out either while the flood starves it (with 800 ms a stress run saw
        // c drop its link and redial): their links may only die for a reason the test shows.
        await using var b = LinkTestNode.Start("b", [hub.TcpUri], withRoutes: true, timers: LinkTestNode.SteadyTimers);
        await using var c = LinkTestNode.Start("c", [hub.TcpUri], withRoutes: true, timers: LinkTestNode.SteadyTimers);
        await b.WaitForRouteAsync(c.Subnet.ToString(), present: true, Patience);
        await using var attacker = LoopbackNode.Create(poolCapacity: 2048, bufferSize: 4096);
        var flood = attacker.ConnectAsync(PeerUri.Parse(hub.PinnedTcpUri));
        var link = await flood;
        var attackerKey = attacker.Identity.Public.ToString();
        await hub.WaitForPeerAsync(p => p.PublicKey == attackerKey && p.State == PeerState.Up, Patience);
        var frames = FloodPayloads(FloodFrames);
        var before = Settle();

        foreach (var payload in frames)
        {
            while (!link.SendControl(FrameType.Control, payload))
            {
                Assert.False(link.IsClosing);
                await Task.Yield(); // send ring full: the writer drains it at wire speed
            }
        }

        // every frame reached the hub's link; the inbox holds at most its capacity, the rest were dropped and counted
        var flooded = await hub.WaitForPeerAsync(
            p => p.PublicKey == attackerKey && p.Stats is { } s && s.FramesIn >= FloodFrames, Patience);
        var stats = flooded.Stats!;
        Assert.True(stats.InboxFill <= stats.InboxCapacity);
        Assert.True(stats.Drops.GetValueOrDefault(LinkDrop.ControlInboxFull) > FloodFrames / 2,
            $"only {stats.Drops.GetValueOrDefault(LinkDrop.ControlInboxFull)} drops");
        var growth = Settle() - before;
        Assert.True(growth < 16L << 20, $"managed heap grew {growth >> 20} MB under the flood");

        // the honest peers stay up and routing goes on: a newcomer's route reaches b through the hub
        await using var d = LinkTestNode.Start("d", [hub.TcpUri], withRoutes: true, timers: LinkTestNode.SteadyTimers);
        await b.WaitForRouteAsync(d.Subnet.ToString(), present: true, Patience);
        var peers = await hub.PeersAsync();
        Assert.All(new[] { b, c, d }, node => Assert.Contains(peers, p => p.PublicKey == node.Identity.Public.ToString() && p.State == PeerState.Up));
        Assert.Equal(0, (await hub.PeersAsync()).Where(p => p.PublicKey != attackerKey)
            .Sum(p => p.Stats?.Drops.GetValueOrDefault(LinkDrop.ControlInboxFull) ?? 0));
    }

    /// <summary>Route-update payloads for prefixes inside the overlay, each from a fresh random originator (which does
    /// not own them: valid wire format, refused by the ownership check after a curve check).</summary>
    private static List<byte[]> FloodPayloads(int count)
    {
        var payloads = new List<byte[]>(count);
        var key = new byte[RouterId.Size];
        var address = new byte[16];
        while (payloads.Count < count)
        {
            var updates = new RouteUpdate[30];
            for (var i = 0; i < updates.Length; i++)
            {
                RandomNumberGenerator.Fill(key);
                RandomNumberGenerator.Fill(address);
                OverlayAddressing.DefaultPrefix.Network.GetAddressBytes().AsSpan(0, 2).CopyTo(address);
                updates[i] = new RouteUpdate(RoutePrefix.FromAddressBytes(address, 64), 1, 100, RouterId.FromBytes(key));
            }

            payloads.AddRange(RouteUpdateCodec.EncodeFrames(updates, RouteTableActor.MaxControlPayload));
        }

        return payloads;
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
