using Akka.Actor;
using Akka.TestKit.Xunit2;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Links;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Addressing;

namespace MeshActors.Node.Tests.Links;

/// <summary>
/// Frames that reach a link before the peer manager accepted it: a peer that is already up sends its hello and route
/// dump at once, and those must reach the route table, not be lost until the next periodic dump.
/// </summary>
public sealed class PeerLinkEarlyFrameTests : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_control_frame_received_before_the_link_is_accepted_is_published_once_it_is()
    {
        await using var listener = NodeLinks.Open(NodeIdentity.Generate(), AdmissionPolicy.Open, new BufferPool(64, 4096),
            [new PeerUri(TransportKind.Tcp, "127.0.0.1", 0, null)], new LinkOptions());
        await using var dialling = NodeLinks.Open(NodeIdentity.Generate(), AdmissionPolicy.Open, new BufferPool(64, 4096), [], new LinkOptions());
        var accepted = new TaskCompletionSource<Link>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.InboundLink += link => accepted.TrySetResult(link);
        using var timeout = new CancellationTokenSource(Patience);
        using var outbound = new Closer(await dialling.Factory.ConnectAsync(
            PeerUri.Parse($"tcp://127.0.0.1:{listener.TcpEndPoints[0].Port}"), timeout.Token));
        var inbound = await accepted.Task.WaitAsync(Patience);
        Sys.EventStream.Subscribe(TestActor, typeof(ControlReceived));

        Sys.ActorOf(Props.Create(() => new ForwardingParent(PeerLink.Inbound(inbound, LinkTestNode.FastTimers), TestActor)));
        FishForMessage<LinkEstablished>(_ => true, Patience);
        var peerLink = LastSender;
        byte[] routeDump = [7, 1, 2, 3];
        peerLink.Tell(new ControlFrameReceived(inbound, FrameType.Control, routeDump));
        peerLink.Tell(new LinkAccepted(inbound));

        var published = FishForMessage<ControlReceived>(_ => true, Patience);
        Assert.Equal(routeDump, published.Payload);
    }

    /// <summary>Stands in for the peer manager: creates the link actor and passes everything it says to the test.</summary>
    private sealed class ForwardingParent : ReceiveActor
    {
        public ForwardingParent(Props child, IActorRef probe)
        {
            Context.ActorOf(child, "link");
            ReceiveAny(message => probe.Forward(message));
        }
    }

    private sealed class Closer(Link link) : IDisposable
    {
        public void Dispose() => link.Close();
    }
}
