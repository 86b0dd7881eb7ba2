using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

/// <summary>Bad frames on a live, authenticated link: dropped and counted by reason, the link stays up unless the stream itself is broken.</summary>
public sealed class LiveSocketAbuseTests
{
    private static readonly byte[] Routing = [9, 8, 7];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Flipped_replayed_misaddressed_and_malformed_frames_are_counted_and_the_link_survives(bool tcp)
    {
        await using var bob = LoopbackNode.Create();
        using var raw = (tcp ? RawPeer.Tcp(bob.Tcp.LocalEndPoint) : RawPeer.Udp(bob.Udp.LocalEndPoint)).Handshake(bob.Identity.Public);
        var link = await bob.NextInboundAsync();

        var good = raw.Seal(FrameType.Control, Routing);
        raw.SendFrame(good);
        Assert.Equal(Routing, (await bob.NextControlAsync()).Payload);

        raw.SendFrame(good); // replay
        var flipped = raw.Seal(FrameType.Control, Routing);
        flipped[^3] ^= 0x10;
        raw.SendFrame(flipped);
        var misaddressed = raw.Seal(FrameType.Control, Routing);
        misaddressed[4] ^= 0xff;
        raw.SendFrame(misaddressed);
        var unknownVersion = raw.Seal(FrameType.Control, Routing);
        unknownVersion[0] = FrameLayout.Version + 1;
        raw.SendFrame(unknownVersion);
        var cut = raw.Seal(FrameType.Control, new byte[20]);
        raw.SendFrame(cut.AsSpan(0, cut.Length - 5)); // truncated: still long enough to parse, the tag no longer verifies

        raw.SendFrame(raw.Seal(FrameType.Control, [42]));
        Assert.Equal(new byte[] { 42 }, (await bob.NextControlAsync()).Payload);

        Assert.Equal(1, link.Stats.Drops[LinkDrop.Replay]);
        Assert.Equal(2, link.Stats.Drops[LinkDrop.BadTag]);
        Assert.Equal(1, link.Stats.Drops[LinkDrop.WrongReceiver] + bob.Udp.UnknownIndex);
        Assert.Equal(1, link.Stats.Drops[LinkDrop.Malformed]);
        Assert.False(link.IsClosing);
        Assert.False(bob.TryTakeControl(out _));
    }

    [Fact]
    public async Task An_oversized_length_prefix_closes_a_tcp_link_as_a_protocol_violation()
    {
        await using var bob = LoopbackNode.Create();
        using var raw = RawPeer.Tcp(bob.Tcp.LocalEndPoint).Handshake(bob.Identity.Public);
        var link = await bob.NextInboundAsync();

        raw.SendRaw([0xff, 0xff, 1, 2, 3]);

        var closed = await link.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(LinkCloseCause.ProtocolViolation, closed.Cause);
        Assert.True(raw.WaitClosed(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_frame_cut_short_by_the_end_of_the_stream_ends_the_tcp_link()
    {
        await using var bob = LoopbackNode.Create();
        var raw = RawPeer.Tcp(bob.Tcp.LocalEndPoint).Handshake(bob.Identity.Public);
        var link = await bob.NextInboundAsync();
        var frame = raw.Seal(FrameType.Control, Routing);

        raw.SendRaw([0, (byte)frame.Length, .. frame.AsSpan(0, frame.Length / 2)]);
        raw.Dispose();

        var closed = await link.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(LinkCloseCause.TransportFailed, closed.Cause);
        Assert.False(bob.TryTakeControl(out _));
    }

    [Fact]
    public async Task Short_datagrams_and_unknown_indexes_are_counted_by_the_udp_endpoint()
    {
        await using var bob = LoopbackNode.Create();
        using var raw = RawPeer.Udp(bob.Udp.LocalEndPoint).Handshake(bob.Identity.Public);
        var link = await bob.NextInboundAsync();
        var frame = raw.Seal(FrameType.Control, Routing);
        frame[4] ^= 0x55;

        raw.SendRaw([1, 6, 0]);
        raw.SendFrame(frame);
        raw.SendFrame(raw.Seal(FrameType.KeepAlive, []));

        Assert.Equal(FrameType.KeepAlive, (await bob.NextControlAsync()).Type);
        Assert.Equal(1, bob.Udp.Malformed);
        Assert.Equal(1, bob.Udp.UnknownIndex);
        Assert.False(link.IsClosing);
    }
}
