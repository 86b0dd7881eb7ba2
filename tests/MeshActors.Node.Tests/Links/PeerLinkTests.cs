using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.Node.Links;

namespace MeshActors.Node.Tests.Links;

public class PeerLinkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("tcp", false)]
    [InlineData("tcp", true)]
    [InlineData("udp", false)]
    [InlineData("udp", true)]
    public async Task Two_nodes_link_exchange_hellos_and_measure_rtt(string scheme, bool pinned)
    {
        await using var b = LinkTestNode.Start("b");
        var uri = scheme == "tcp" ? b.TcpUri : b.UdpUri;
        await using var a = LinkTestNode.Start("a", [pinned ? $"{b.Identity.Public}@{uri}" : uri]);

        var fromA = await a.WaitForPeerAsync(p => p.State == PeerState.Up && p.RttMs is not null, Patience);
        var fromB = await b.WaitForPeerAsync(p => p.State == PeerState.Up && p.RttMs is not null, Patience);

        Assert.Equal(b.Identity.Public.ToString(), fromA.PublicKey);
        Assert.Equal(a.Identity.Public.ToString(), fromB.PublicKey);
        Assert.True(fromA.Configured);
        Assert.False(fromB.Configured);
        Assert.InRange(fromA.RttMs!.Value, 0.001, 1000);
        Assert.True(fromA.Stats!.FramesIn > 0 && fromA.Stats.FramesOut > 0);
        Assert.Equal(0, fromA.Stats.Drops.GetValueOrDefault(DataPlane.Links.LinkDrop.NoHandler));
        Assert.Equal(0, fromB.Stats!.Drops.GetValueOrDefault(DataPlane.Links.LinkDrop.NoHandler));
    }

    [Fact]
    public async Task A_peer_on_a_transport_the_node_cannot_speak_is_marked_failed_with_the_reason_instead_of_backing_off()
    {
        await using var a = LinkTestNode.Start("a", ["quic://127.0.0.1:9"]);

        var failed = await a.WaitForPeerAsync(p => p.State == PeerState.Failed, Patience);

        Assert.Contains("QUIC", failed.LastError);
        Assert.True(failed.Configured);
    }

    [Fact]
    public async Task Three_nodes_in_a_line_link_to_their_neighbours_only()
    {
        await using var b = LinkTestNode.Start("b");
        await using var a = LinkTestNode.Start("a", [b.TcpUri]);
        await using var c = LinkTestNode.Start("c", [b.UdpUri]);

        await a.WaitForPeerAsync(p => p.State == PeerState.Up && p.RttMs is not null, Patience);
        await c.WaitForPeerAsync(p => p.State == PeerState.Up && p.RttMs is not null, Patience);
        await b.WaitForPeerAsync(p => p.PublicKey == a.Identity.Public.ToString() && p.State == PeerState.Up, Patience);
        await b.WaitForPeerAsync(p => p.PublicKey == c.Identity.Public.ToString() && p.State == PeerState.Up, Patience);

        Assert.Equal(2, (await b.PeersAsync()).Count(p => p.State == PeerState.Up));
    }

    [Fact]
    public async Task Node_not_on_the_allow_list_is_refused_and_the_refusal_counted()
    {
        using var stranger = NodeIdentity.Generate();
        using var friend = NodeIdentity.Generate();
        await using var b = LinkTestNode.Start("b", admission: AdmissionPolicy.AllowList([friend.Public]));
        await using var a = LinkTestNode.Start("a", [b.TcpUri], identity: NodeIdentity.FromSeed(new byte[32]));

        var refused = await a.WaitForPeerAsync(p => p.State == PeerState.BackingOff && p.LastError is not null, Patience);

        Assert.Null(refused.RttMs);
        Assert.DoesNotContain(await b.PeersAsync(), p => p.State == PeerState.Up);
        Assert.True(b.Links.RefusedHandshakes > 0);
        Assert.Contains("NotAdmitted", b.Links.DescribeRefusals(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Node_with_the_wrong_network_key_is_refused(string scheme)
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var wrong = Enumerable.Range(2, 32).Select(i => (byte)i).ToArray();
        await using var b = LinkTestNode.Start("b", admission: AdmissionPolicy.NetworkKey(key));
        await using var a = LinkTestNode.Start("a", [scheme == "tcp" ? b.TcpUri : b.UdpUri], admission: AdmissionPolicy.NetworkKey(wrong));

        await a.WaitForPeerAsync(p => p.State == PeerState.BackingOff && p.LastError is not null, Patience);

        Assert.DoesNotContain(await b.PeersAsync(), p => p.State == PeerState.Up);
        Assert.True(b.Links.RefusedHandshakes > 0);
    }

    [Fact]
    public async Task Matching_network_keys_link()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        await using var b = LinkTestNode.Start("b", admission: AdmissionPolicy.NetworkKey(key));
        await using var a = LinkTestNode.Start("a", [b.TcpUri], admission: AdmissionPolicy.NetworkKey(key));

        await a.WaitForPeerAsync(p => p.State == PeerState.Up, Patience);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task A_stopped_peer_is_detected_and_redialled_when_it_returns(string scheme)
    {
        var seed = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();
        var b = LinkTestNode.Start("b", identity: NodeIdentity.FromSeed(seed));
        var port = scheme == "tcp" ? b.Links.TcpEndPoints[0].Port : b.Links.UdpEndPoints[0].Port;
        await using var a = LinkTestNode.Start("a", [scheme == "tcp" ? b.TcpUri : b.UdpUri]);
        await a.WaitForPeerAsync(p => p.State == PeerState.Up, Patience);

        var stoppedAt = DateTime.UtcNow;
        await b.DisposeAsync();
        await a.WaitForPeerAsync(p => p.State != PeerState.Up, Patience);
        var detection = DateTime.UtcNow - stoppedAt;

        await using var back = LinkTestNode.Start(
            "b2", identity: NodeIdentity.FromSeed(seed), tcpPort: scheme == "tcp" ? port : 0, udpPort: scheme == "udp" ? port : 0);
        var up = await a.WaitForPeerAsync(p => p.State == PeerState.Up, Patience);

        Assert.True(detection < LinkTestNode.FastTimers.DeadAfter * 3, $"link loss noticed after {detection}");
        Assert.Equal(back.Identity.Public.ToString(), up.PublicKey);
    }

    [Fact]
    public async Task Two_nodes_dialling_each_other_keep_exactly_one_link()
    {
        await using var a = LinkTestNode.Start("a");
        await using var b = LinkTestNode.Start("b", [a.TcpUri]);
        a.Manager.Tell(new AddPeer(DataPlane.Transports.PeerUri.Parse(b.TcpUri)), Akka.Actor.ActorRefs.NoSender);

        await a.WaitForPeerAsync(p => p.State == PeerState.Up && p.RttMs is not null, Patience);
        await b.WaitForPeerAsync(p => p.State == PeerState.Up && p.RttMs is not null, Patience);
        await a.WaitForHellosAsync(rounds: 3, Patience);
        await b.WaitForHellosAsync(rounds: 3, Patience);

        Assert.Single(await a.PeersAsync(), p => p.State == PeerState.Up);
        Assert.Single(await b.PeersAsync(), p => p.State == PeerState.Up);
    }
}
