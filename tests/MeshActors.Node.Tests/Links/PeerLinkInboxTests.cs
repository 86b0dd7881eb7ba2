using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit.Xunit2;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Links;
using MeshActors.Node.Routing;
using MeshActors.Protocol.Addressing;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Tests.Links;

/// <summary>
/// The seam between a link and its PeerLink: frames the peer sends before the manager accepted the link wait in the
/// link's inbox and reach the route table in order once it is; Control frames go to the registry's route table.
/// </summary>
public sealed class PeerLinkInboxTests : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Control_frames_sent_before_the_link_is_accepted_reach_the_route_table_in_order_once_it_is()
    {
        await using var listener = NodeLinks.Open(NodeIdentity.Generate(), AdmissionPolicy.Open, new BufferPool(64, 4096),
            [new PeerUri(TransportKind.Tcp, "127.0.0.1", 0, null)], new LinkOptions());
        await using var dialling = NodeLinks.Open(NodeIdentity.Generate(), AdmissionPolicy.Open, new BufferPool(64, 4096), [], new LinkOptions());
        var accepted = new TaskCompletionSource<Link>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.InboundLink += link => accepted.TrySetResult(link);
        using var timeout = new CancellationTokenSource(Patience);
        var outbound = await dialling.Factory.ConnectAsync(PeerUri.Parse($"tcp://127.0.0.1:{listener.TcpEndPoints[0].Port}"), timeout.Token);
        var inbound = await accepted.Task.WaitAsync(Patience);
        ActorRegistry.For(Sys).Register<RouteTableActor>(TestActor);

        Sys.ActorOf(Props.Create(() => new ForwardingParent(PeerLink.Inbound(inbound, LinkTestNode.FastTimers), TestActor)));
        FishForMessage<LinkEstablished>(_ => true, Patience);
        var peerLink = LastSender;
        for (byte i = 0; i < 3; i++)
        {
            outbound.SendControl(FrameType.Control, [ControlKinds.RouteUpdates, i]);
        }

        outbound.SendControl(FrameType.Control, [0xEE, 9]); // a kind nobody handles: dropped, not passed on
        outbound.SendControl(FrameType.Control, [ControlKinds.SeqnoRequests, 3]);
        peerLink.Tell(new LinkAccepted(inbound));

        FishForMessage<LinkUp>(up => up.Link == inbound, Patience);
        var seen = new List<byte>();
        while (seen.Count < 4)
        {
            var control = FishForMessage<ControlReceived>(_ => true, Patience);
            seen.Add(control.Payload[1]);
            control.Credit.Done();
        }

        Assert.Equal(new byte[] { 0, 1, 2, 3 }, seen);
        outbound.Close();
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
}
