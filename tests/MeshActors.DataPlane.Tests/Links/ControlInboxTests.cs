using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Addressing;
using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

/// <summary>The one seam from a link's reader to the actor layer: the bounded control inbox each link is created with.</summary>
public sealed class ControlInboxTests
{
    private static readonly LinkOptions SmallInbox = new() { ControlInboxCapacity = 16 };

    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Udp)]
    public async Task Frames_before_the_claim_wait_in_order_and_the_owner_is_woken_once_when_it_claims(TransportKind scheme)
    {
        await using var alice = LoopbackNode.Create();
        await using var bob = LoopbackNode.Create(options: SmallInbox);
        bob.ClaimInbound = false;
        var outbound = await alice.ConnectAsync(scheme == TransportKind.Tcp ? bob.TcpUri(true) : bob.UdpUri(true));
        var inbound = await bob.NextInboundAsync();

        for (byte i = 0; i < 5; i++)
        {
            outbound.SendControl(FrameType.Control, [1, i]);
        }

        if (scheme == TransportKind.Udp)
        {
            await Eventually.True(() => inbound.Inbox.Count == 5); // the shared UDP reader fills the inbox before any claim
        }

        var owner = new CountingOwner();
        inbound.Claim(owner);

        await Eventually.True(() => inbound.Inbox.Count == 5);
        Assert.Equal(1, owner.Wakeups);
        Assert.Equal([0, 1, 2, 3, 4], Drain(inbound).Select(frame => (int)frame.Payload[1]));
    }

    [Fact]
    public async Task A_full_inbox_drops_and_counts_and_wakes_its_owner_once_per_rearm()
    {
        await using var alice = LoopbackNode.Create();
        await using var bob = LoopbackNode.Create(options: SmallInbox);
        bob.ClaimInbound = false;
        var outbound = await alice.ConnectAsync(bob.TcpUri(true));
        var inbound = await bob.NextInboundAsync();
        var owner = new CountingOwner();
        inbound.Claim(owner);

        const int Sent = 100;
        for (byte i = 0; i < Sent; i++)
        {
            Assert.True(outbound.SendControl(FrameType.Control, [1, i]));
        }

        await Eventually.True(() => inbound.Stats.Traffic[LinkTraffic.FramesIn] == Sent);
        Assert.Equal(inbound.Inbox.Capacity, inbound.Inbox.Count);
        Assert.Equal(Sent - inbound.Inbox.Capacity, inbound.Stats.Drops[LinkDrop.ControlInboxFull]);
        Assert.Equal(1, owner.Wakeups);

        // the oldest frames were kept (drop-newest), in order; the link itself goes on
        Assert.Equal(Enumerable.Range(0, 16), Drain(inbound).Select(frame => (int)frame.Payload[1]));
        Assert.Equal(1, owner.Wakeups);
        outbound.SendControl(FrameType.KeepAlive, []);
        await Eventually.True(() => owner.Wakeups == 2);
        Assert.False(inbound.IsClosing);
    }

    [Fact]
    public async Task A_link_is_claimed_once()
    {
        await using var alice = LoopbackNode.Create();
        await using var bob = LoopbackNode.Create();
        var outbound = await alice.ConnectAsync(bob.TcpUri(true));

        Assert.Throws<InvalidOperationException>(() => outbound.Claim(new CountingOwner()));
    }

    private static List<ControlFrame> Drain(Link link)
    {
        var frames = new List<ControlFrame>();
        while (link.Inbox.TryTake(out var frame))
        {
            frames.Add(frame);
        }

        link.Inbox.Rearm();
        return frames;
    }

    private sealed class CountingOwner : ILinkEvents
    {
        private int _wakeups;

        public int Wakeups => Volatile.Read(ref _wakeups);

        public void ControlPending(Link link) => Interlocked.Increment(ref _wakeups);
    }
}
