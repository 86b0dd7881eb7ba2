using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.DataPlane.Links;
using MeshActors.Node.Links;
using MeshActors.Protocol.Counting;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Nat;

namespace MeshActors.Node.Discovery;

/// <summary>
/// Rendezvous (<c>discovery.rendezvous</c>): <see cref="IntroductionDelay"/> after a neighbour's link comes up, sends
/// it an introduction (control kind 0x21) listing the keys of up to <see cref="IntroductionCodec.MaxKeys"/> other
/// neighbours, the most recently linked first; the receiver's NAT traversal actor punches towards those it has no
/// link to, through this node as the relay of the signals. The delay lets the neighbour hear its reflection first,
/// so its offers carry its reflexive endpoint. Links are learnt from <see cref="LinkUp"/>, and from the
/// <see cref="LinkQualityChanged"/> each link reports every hello interval, so a restarted actor knows them again.
/// </summary>
public sealed class RendezvousActor : ReceiveActor, IWithTimers
{
    public const string Name = "rendezvous";

    public static readonly TimeSpan IntroductionDelay = TimeSpan.FromSeconds(1);

    private readonly Dictionary<PublicIdentity, (Link Link, long Order)> _links = [];
    private readonly CounterSet<RendezvousEvent> _counts = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _order;

    public RendezvousActor()
    {
        Receive<LinkUp>(up =>
        {
            _links[up.Peer] = (up.Link, ++_order);
            Timers.StartSingleTimer(up.Link, new Introduce(up.Peer, up.Link), IntroductionDelay);
        });
        Receive<LinkQualityChanged>(quality =>
        {
            if (!_links.TryGetValue(quality.Peer, out var known) || known.Link != quality.Link)
            {
                _links[quality.Peer] = (quality.Link, ++_order);
            }
        });
        Receive<LinkDown>(down =>
        {
            if (_links.TryGetValue(down.Peer, out var known) && known.Link == down.Link)
            {
                _links.Remove(down.Peer);
            }
        });
        Receive<Introduce>(OnIntroduce);
        Receive<GetRendezvous>(_ => Sender.Tell(new RendezvousStatus(_links.Count, _counts.ToDictionary())));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props() => Akka.Actor.Props.Create(() => new RendezvousActor());

    protected override void PreStart() => _log.Info("rendezvous on: introducing the nodes linked here to each other");

    private void OnIntroduce(Introduce introduce)
    {
        if (!_links.TryGetValue(introduce.Peer, out var known) || known.Link != introduce.Link)
        {
            return;
        }

        var others = _links.Where(pair => pair.Key != introduce.Peer)
            .OrderByDescending(pair => pair.Value.Order)
            .Take(IntroductionCodec.MaxKeys)
            .Select(pair => (ReadOnlyMemory<byte>)pair.Key.Bytes.ToArray())
            .ToList();
        if (others.Count == 0)
        {
            return;
        }

        if (!introduce.Link.SendControl(FrameType.Control, IntroductionCodec.Encode(others)))
        {
            _counts.Increment(RendezvousEvent.SendFailed);
            return;
        }

        _counts.Increment(RendezvousEvent.IntroductionsSent);
        _counts.Add(RendezvousEvent.PeersIntroduced, others.Count);
        _log.Debug("introduced {0} node(s) to {1}", others.Count, introduce.Peer);
    }

    private sealed record Introduce(PublicIdentity Peer, Link Link);
}
