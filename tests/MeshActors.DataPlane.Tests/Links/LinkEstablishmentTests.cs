using MeshActors.Protocol.Addressing;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

public sealed class LinkEstablishmentTests
{
    public static TheoryData<TransportKind, bool, bool> Combinations => new()
    {
        { TransportKind.Tcp, true, false },
        { TransportKind.Tcp, false, false },
        { TransportKind.Udp, true, false },
        { TransportKind.Udp, false, false },
        { TransportKind.Tcp, true, true },
        { TransportKind.Udp, false, true },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Links_establish_and_carry_control_frames_both_ways(TransportKind scheme, bool pinned, bool ipv6)
    {
        await using var alice = LoopbackNode.Create(ipv6: ipv6);
        await using var bob = LoopbackNode.Create(ipv6: ipv6);

        var outbound = await alice.ConnectAsync(scheme == TransportKind.Tcp ? bob.TcpUri(pinned) : bob.UdpUri(pinned));
        var inbound = await bob.NextInboundAsync();

        Assert.Equal(bob.Identity.Public, outbound.Peer);
        Assert.Equal(alice.Identity.Public, inbound.Peer);
        Assert.True(outbound.IsOutbound);
        Assert.False(inbound.IsOutbound);
        Assert.Equal(scheme.ToString().ToLowerInvariant(), outbound.Scheme);

        byte[] routing = [1, 2, 3, 4, 5];
        Assert.True(outbound.SendControl(FrameType.Control, routing));
        var atBob = await bob.NextControlAsync();
        Assert.Same(inbound, atBob.Link);
        Assert.Equal(FrameType.Control, atBob.Type);
        Assert.Equal(routing, atBob.Payload);

        var hello = new byte[HelloPayload.Size];
        hello[0] = 7;
        Assert.True(inbound.SendControl(FrameType.Hello, hello));
        var atAlice = await alice.NextControlAsync();
        Assert.Equal(FrameType.Hello, atAlice.Type);
        Assert.Equal(hello, atAlice.Payload);
        Assert.Equal(1, outbound.Stats.Traffic[LinkTraffic.FramesIn]);
        Assert.Equal(1, inbound.Stats.Traffic[LinkTraffic.FramesIn]);
    }

    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Udp)]
    public async Task Close_reaches_the_peer_with_its_reason(TransportKind scheme)
    {
        await using var alice = LoopbackNode.Create();
        await using var bob = LoopbackNode.Create();
        var outbound = await alice.ConnectAsync(scheme == TransportKind.Tcp ? bob.TcpUri(true) : bob.UdpUri(true));
        var inbound = await bob.NextInboundAsync();

        outbound.Close(CloseReason.Idle);

        var local = await outbound.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        var remote = await inbound.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(LinkCloseCause.Local, local.Cause);
        Assert.Equal(LinkCloseCause.Remote, remote.Cause);
        Assert.Equal(CloseReason.Idle, remote.Reason);
        Assert.False(outbound.SendControl(FrameType.KeepAlive, []));
        Assert.Equal(1, outbound.Stats.Drops[LinkDrop.Closed]);
    }

    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Udp)]
    public async Task A_peer_not_on_the_allow_list_is_refused_and_counted(TransportKind scheme)
    {
        using var stranger = NodeIdentity.Generate();
        var options = new LinkOptions { HandshakeTimeoutMs = 500 };
        await using var alice = LoopbackNode.Create(options: options);
        await using var bob = LoopbackNode.Create(AdmissionPolicy.AllowList([stranger.Public]), options);

        await Assert.ThrowsAsync<LinkHandshakeException>(() =>
            alice.ConnectAsync(scheme == TransportKind.Tcp ? bob.TcpUri(true) : bob.UdpUri(true)));

        var stats = scheme == TransportKind.Tcp ? bob.Tcp.Stats : bob.Udp.Stats;
        await Eventually.True(() => stats.Refused[HandshakeError.NotAdmitted] == 1);
        Assert.Equal(0, stats.Events[HandshakeEvent.Established]);
        Assert.Equal(0, bob.Env.Indexes.Count);
    }

    [Theory]
    [InlineData(TransportKind.Tcp, true)]
    [InlineData(TransportKind.Udp, false)]
    public async Task A_wrong_network_key_is_refused_without_a_link(TransportKind scheme, bool pinned)
    {
        var options = new LinkOptions { HandshakeTimeoutMs = 500 };
        await using var alice = LoopbackNode.Create(AdmissionPolicy.NetworkKey(Key(1)), options);
        await using var bob = LoopbackNode.Create(AdmissionPolicy.NetworkKey(Key(2)), options);

        var refusal = await Assert.ThrowsAsync<LinkHandshakeException>(() =>
            alice.ConnectAsync(scheme == TransportKind.Tcp ? bob.TcpUri(pinned) : bob.UdpUri(pinned)));

        var stats = scheme == TransportKind.Tcp ? bob.Tcp.Stats : bob.Udp.Stats;
        await Eventually.True(() => stats.Refused[HandshakeError.AuthenticationFailed] == 1);
        Assert.Equal(HandshakeError.None, refusal.Error);
    }

    [Fact]
    public async Task Same_network_key_admits()
    {
        await using var alice = LoopbackNode.Create(AdmissionPolicy.NetworkKey(Key(3)));
        await using var bob = LoopbackNode.Create(AdmissionPolicy.NetworkKey(Key(3)));

        var link = await alice.ConnectAsync(bob.TcpUri(pinned: false));

        Assert.Equal(bob.Identity.Public, link.Peer);
    }

    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Udp)]
    public async Task A_host_name_is_resolved_and_the_address_that_answers_is_used(TransportKind scheme)
    {
        await using var alice = LoopbackNode.Create();
        await using var bob = LoopbackNode.Create(); // IPv4 loopback only: "localhost" may resolve to ::1 first
        var endPoint = scheme == TransportKind.Tcp ? bob.Tcp.LocalEndPoint : bob.Udp.LocalEndPoint;

        var link = await alice.ConnectAsync(new PeerUri(scheme, "localhost", endPoint.Port, bob.Identity.Public));

        Assert.Equal(bob.Identity.Public, link.Peer);
    }

    [Fact]
    public async Task Quic_is_refused_with_a_clear_message()
    {
        await using var alice = LoopbackNode.Create();

        var error = await Assert.ThrowsAsync<TransportNotSupportedException>(() =>
            alice.Factory.ConnectAsync(PeerUri.Parse("quic://127.0.0.1:9"), CancellationToken.None));

        Assert.Contains("QUIC", error.Message);
        Assert.Contains("tcp://", error.Message);
    }

    private static byte[] Key(byte fill) => Enumerable.Repeat(fill, AdmissionPolicy.NetworkKeySize).ToArray();
}
