using MeshActors.Crypto.Session;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

public sealed class RekeyTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_aged_session_is_replaced_on_the_same_transport_and_traffic_continues(bool tcp)
    {
        var clock = new ManualClock();
        var options = new LinkOptions { MaintenanceIntervalMs = 20 };
        await using var alice = LoopbackNode.Create(options: options, clock: clock);
        await using var bob = LoopbackNode.Create(options: options, clock: clock);
        var outbound = await alice.ConnectAsync(tcp ? bob.TcpUri(true) : bob.UdpUri(false));
        var inbound = await bob.NextInboundAsync();

        clock.Advance(SessionLimits.RekeyAfterTimeMs + 1);

        await Eventually.True(() => outbound.Stats.Traffic[LinkTraffic.Rekeys] == 1 && inbound.Stats.Traffic[LinkTraffic.Rekeys] == 1);
        outbound.SendControl(FrameType.Control, [1]);
        inbound.SendControl(FrameType.Control, [2]);
        Assert.Equal(new byte[] { 1 }, (await bob.NextControlAsync()).Payload);
        Assert.Equal(new byte[] { 2 }, (await alice.NextControlAsync()).Payload);

        // Past the old session's reject age the link lives on under the new one.
        clock.Advance(SessionLimits.RejectAfterTimeMs - SessionLimits.RekeyAfterTimeMs);
        await WriterMaintainedAsync(outbound, bob);
        await WriterMaintainedAsync(inbound, alice);
        Assert.False(outbound.IsClosing);
        Assert.False(inbound.IsClosing);
        Assert.Equal(1, outbound.Stats.Traffic[LinkTraffic.Rekeys]);
        Assert.Equal(2, alice.Env.Indexes.Count); // current and previous session
        Assert.Equal(2, bob.Env.Indexes.Count);
    }

    [Fact]
    public async Task A_session_past_its_reject_age_without_rekey_closes_the_link()
    {
        var clock = new ManualClock();
        var options = new LinkOptions { MaintenanceIntervalMs = 20 };
        await using var alice = LoopbackNode.Create(options: options, clock: clock);
        await using var bob = LoopbackNode.Create(options: options, clock: clock);
        var outbound = await alice.ConnectAsync(bob.TcpUri(true));
        var inbound = await bob.NextInboundAsync();

        // Jumping straight past the reject age leaves no time to rekey.
        clock.Advance(SessionLimits.RejectAfterTimeMs + 1);

        var causes = new[]
        {
            (await outbound.Closed.WaitAsync(TimeSpan.FromSeconds(30))).Cause,
            (await inbound.Closed.WaitAsync(TimeSpan.FromSeconds(30))).Cause,
        };

        // Whichever side notices first expires; the other may see its transport end before its own check runs.
        Assert.Contains(LinkCloseCause.SessionExpired, causes);
    }

    /// <summary>
    /// Returns once <paramref name="link"/>'s writer has run its maintenance at least once from now on: frames above
    /// the direct-send limit always go through the writer, which maintains after each batch, so when a second such
    /// frame arrives the writer has maintained after the first.
    /// </summary>
    private static async Task WriterMaintainedAsync(Link link, LoopbackNode receiver)
    {
        var large = new byte[DirectSendLimits.MaxFrame + 1];
        for (var i = 0; i < 2; i++)
        {
            Assert.True(link.SendControl(FrameType.Control, large));
            Assert.Equal(large.Length, (await receiver.NextControlAsync()).Payload.Length);
        }
    }
}
