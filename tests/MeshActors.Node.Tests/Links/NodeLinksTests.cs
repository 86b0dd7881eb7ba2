using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Links;
using MeshActors.Protocol.Addressing;

namespace MeshActors.Node.Tests.Links;

/// <summary>The link machinery below the actors: listeners open before the peer manager subscribes.</summary>
public sealed class NodeLinksTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_link_accepted_before_anyone_subscribes_is_closed_so_the_dialler_redials()
    {
        await using var listener = Open([new PeerUri(TransportKind.Tcp, "127.0.0.1", 0, null)]);
        await using var dialling = Open([]);
        using var timeout = new CancellationTokenSource(Patience);

        // the handshake completes while nothing takes inbound links (a restarting node before its actors are up)
        var outbound = await dialling.Factory.ConnectAsync(PeerUri.Parse($"tcp://127.0.0.1:{listener.TcpEndPoints[0].Port}"), timeout.Token);
        outbound.Claim(new IgnoringOwner()); // reading starts with the claim: the listener's Close frame is seen

        await outbound.Closed.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_link_accepted_after_subscribing_goes_to_the_subscriber()
    {
        await using var listener = Open([new PeerUri(TransportKind.Tcp, "127.0.0.1", 0, null)]);
        var dialler = NodeIdentity.Generate();
        await using var dialling = Open([], dialler);
        var delivered = new TaskCompletionSource<Link>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.InboundLink += link => delivered.TrySetResult(link);
        using var timeout = new CancellationTokenSource(Patience);

        var outbound = await dialling.Factory.ConnectAsync(PeerUri.Parse($"tcp://127.0.0.1:{listener.TcpEndPoints[0].Port}"), timeout.Token);

        var inbound = await delivered.Task.WaitAsync(Patience);
        Assert.Equal(dialler.Public, inbound.Peer);
        Assert.False(inbound.IsClosing);
        Assert.False(outbound.IsClosing);
        outbound.Close();
        inbound.Close();
    }

    private sealed class IgnoringOwner : ILinkEvents
    {
        public void ControlPending(Link link)
        {
        }
    }

    private static NodeLinks Open(PeerUri[] listen, NodeIdentity? identity = null) =>
        NodeLinks.Open(identity ?? NodeIdentity.Generate(), AdmissionPolicy.Open, new BufferPool(64, 4096), listen, new LinkOptions());
}
