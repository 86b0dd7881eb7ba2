using MeshActors.DataPlane.Forwarding;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.DataPlane.Links;
using MeshActors.Node.Actors;
using MeshActors.Node.Links;
using MeshActors.Node.Ipv4;
using MeshActors.Node.State;
using MeshActors.Node.Tun;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Routing;
using MeshActors.Routing;

namespace MeshActors.Node.Routing;

/// <summary>
/// Drives the pure <see cref="RoutingCore"/> from link events and routing control frames (told by PeerLink actors), sends what it asks to
/// send, and after every change publishes a new immutable <see cref="MeshRouteLookup"/> for the data plane
/// (swapped atomically by the publisher; the forwarding loops never wait for this actor).
/// </summary>
public sealed class RouteTableActor : ReceiveActor, IWithTimers
{
    public const string Name = "routes";

    /// <summary>Largest routing payload, bytes: fits a 1,280-byte IPv6 path over UDP with headers to spare.</summary>
    public const int MaxControlPayload = 1200;

    /// <summary>Timer granularity floor: waking sooner than this only burns CPU.</summary>
    private static readonly TimeSpan MinTickDelay = TimeSpan.FromMilliseconds(10);

    private readonly RoutingCore _core;
    private readonly OverlayPrefixOwnership _ownership;
    private readonly IReadOnlyList<RoutePrefix> _localPrefixes;
    private readonly Action<MeshRouteLookup> _publish;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<PublicIdentity, NeighbourId> _idByPeer = [];
    private readonly Dictionary<NeighbourId, (PublicIdentity Peer, Link Link)> _neighbours = [];
    private readonly List<RouteUpdate> _updates = [];
    private readonly List<SeqnoRequest> _requests = [];
    private readonly Protocol.IpPrefix _overlay;
    private readonly SectionStore<OwnRouteSeqno>? _seqnoStore;
    private ushort? _savedSeqno;
    private HashSet<Protocol.IpPrefix> _routedPrefixes = [];
    private int _nextNeighbour;
    private long _undecodable;

    public RouteTableActor(
        RouterId self,
        OverlayPrefixOwnership ownership,
        RoutingSettings settings,
        IReadOnlyList<RoutePrefix> localPrefixes,
        Action<MeshRouteLookup> publish,
        SectionStore<OwnRouteSeqno>? seqnoStore = null)
    {
        _seqnoStore = seqnoStore;
        // A restart starts from an empty core; PreStart asks the links that are up to announce themselves again.
        _core = new RoutingCore(self, ownership, settings, TimeSpan.Zero);
        _overlay = ownership.OverlayPrefix;
        _ownership = ownership;
        _localPrefixes = localPrefixes;
        _publish = publish;
        Receive<LinkUp>(OnLinkUp);
        Receive<LinkDown>(OnLinkDown);
        Receive<LinkQualityChanged>(OnQuality);
        Receive<ControlReceived>(OnControl);
        Receive<Tick>(_ => Apply(_core.Tick(Now)));
        Receive<GetRoutes>(query => Sender.Tell(new RouteList(query.View, Describe(query.View))));
        Receive<GetRoutingCounters>(_ => Sender.Tell(new RoutingCounterList(_core.Counters.ToDictionary())));
        Receive<OriginateLocalPrefix>(local => Apply(_core.AddLocalPrefix(local.Prefix, Now)));
        Receive<WithdrawLocalPrefix>(local => Apply(_core.RemoveLocalPrefix(local.Prefix, Now), republish: true));
        Receive<ResendRoutedPrefixes>(_ => Sender.Tell(new RoutedPrefixesChanged(_routedPrefixes)));
        Receive<GetOtherOriginators>(query => Sender.Tell(
            new OtherOriginators(query.Prefix, [.. _core.OtherOriginatorsOf(query.Prefix).Select(id => id.ToBytes())])));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Undecodable or unknown-kind routing payloads dropped so far.</summary>
    public long Undecodable => _undecodable;

    /// <summary>The routing timers and policies the core runs with (<c>meshactors.routing</c>).</summary>
    public RoutingSettings Settings => _core.Settings;

    /// <param name="seqnoStore">Where this node's own seqno is kept across restarts; null: it starts at 0 each time.</param>
    public static Props Props(
        RouterId self,
        OverlayPrefixOwnership ownership,
        RoutingSettings settings,
        IReadOnlyList<RoutePrefix> localPrefixes,
        Action<MeshRouteLookup> publish,
        SectionStore<OwnRouteSeqno>? seqnoStore = null) =>
        Akka.Actor.Props.Create(() => new RouteTableActor(self, ownership, settings, localPrefixes, publish, seqnoStore));

    private TimeSpan Now => _clock.Elapsed;

    protected override void PreStart()
    {
        if (_seqnoStore?.Load(_log) is { } saved)
        {
            _core.ResumeOwnSeqno(saved.Seqno);
            _log.Info("own route seqno resumes after {0} at {1}", saved.Seqno, _core.OwnSeqno);
        }

        foreach (var prefix in _localPrefixes)
        {
            Apply(_core.AddLocalPrefix(prefix, Now));
        }

        _publish(MeshRouteLookup.Empty);
        NodeRegistry.TryTell<PeerManager>(Context.System, AnnounceLinks.Instance);
        NodeRegistry.TryTell<Ipv4AddressActor>(Context.System, RouteTableStarted.Instance);
    }

    protected override void PostStop() => _publish(MeshRouteLookup.Empty);

    private void OnLinkUp(LinkUp up)
    {
        if (_idByPeer.TryGetValue(up.Peer, out var stale))
        {
            Forget(stale);
        }

        var id = new NeighbourId(++_nextNeighbour);
        _idByPeer[up.Peer] = id;
        _neighbours[id] = (up.Peer, up.Link);
        Apply(_core.NeighbourUp(id, Cost(up.SmoothedRtt, 0), Now));
        _log.Debug("neighbour {0} up as {1}", up.Peer, id);
    }

    private void OnLinkDown(LinkDown down)
    {
        if (_idByPeer.TryGetValue(down.Peer, out var id) && _neighbours[id].Link == down.Link)
        {
            Forget(id);
        }
    }

    private void Forget(NeighbourId id)
    {
        var (peer, _) = _neighbours[id];
        _neighbours.Remove(id);
        _idByPeer.Remove(peer);
        Apply(_core.NeighbourDown(id, Now), republish: true);
    }

    private void OnQuality(LinkQualityChanged quality)
    {
        if (_idByPeer.TryGetValue(quality.Peer, out var id) && _neighbours[id].Link == quality.Link)
        {
            Apply(_core.LinkCostChanged(id, Cost(quality.SmoothedRtt, quality.Loss), Now));
        }
    }

    private void OnControl(ControlReceived control)
    {
        try
        {
            Decode(control);
        }
        finally
        {
            control.Credit.Done();
        }
    }

    private void Decode(ControlReceived control)
    {
        if (!_idByPeer.TryGetValue(control.Peer, out var id) || _neighbours[id].Link != control.Link || control.Payload.Length == 0)
        {
            return;
        }

        _updates.Clear(); // the decoders append
        _requests.Clear();
        switch (control.Payload[0])
        {
            case ControlKinds.RouteUpdates when RouteUpdateCodec.TryDecode(control.Payload, _updates) == RoutingDecodeError.None:
                Apply(_core.ReceiveUpdates(id, CollectionsMarshal.AsSpan(_updates), Now));
                break;
            case ControlKinds.SeqnoRequests when SeqnoRequestCodec.TryDecode(control.Payload, _requests) == RoutingDecodeError.None:
                Apply(_core.ReceiveSeqnoRequests(id, CollectionsMarshal.AsSpan(_requests), Now));
                break;
            case ControlKinds.RouteUpdates or ControlKinds.SeqnoRequests:
                _undecodable++;
                _log.Debug("dropped a malformed routing payload from {0}", control.Peer);
                break;
        }
    }

    private void Apply(IReadOnlyList<RoutingAction> actions, bool republish = false)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case SendRouteUpdates send:
                    Send(send.To, RouteUpdateCodec.EncodeFrames(send.Updates is List<RouteUpdate> updates ? CollectionsMarshal.AsSpan(updates) : send.Updates.ToArray(), MaxControlPayload));
                    break;
                case SendSeqnoRequests send:
                    Send(send.To, SeqnoRequestCodec.EncodeFrames(send.Requests is List<SeqnoRequest> requests ? CollectionsMarshal.AsSpan(requests) : send.Requests.ToArray(), MaxControlPayload));
                    break;
                case SelectedRouteChanged:
                    republish = true;
                    break;
            }
        }

        if (republish)
        {
            var snapshot = _core.BuildForwardingSnapshot();
            _publish(MeshRouteLookup.Build(snapshot, _neighbours.ToDictionary(pair => pair.Key, pair => pair.Value.Link), _ownership.IdentityOf));
            PublishRoutedPrefixes(snapshot);
        }

        if (_seqnoStore is not null && _savedSeqno != _core.OwnSeqno)
        {
            // Seqno changes are rare (a restart, a neighbour's request), so each is saved at once.
            _savedSeqno = _core.OwnSeqno;
            _seqnoStore.TrySave(new OwnRouteSeqno(_core.OwnSeqno), _log);
        }

        var delay = _core.NextWakeup - Now;
        Timers.StartSingleTimer("tick", Tick.Instance, delay < MinTickDelay ? MinTickDelay : delay);
    }

    private void PublishRoutedPrefixes(ForwardingSnapshot snapshot)
    {
        var routed = snapshot.Entries
            .Select(entry => entry.Prefix.ToIpPrefix())
            .Where(prefix => !_overlay.Covers(prefix))
            .ToHashSet();
        if (!routed.SetEquals(_routedPrefixes))
        {
            _routedPrefixes = routed;
            var changed = new RoutedPrefixesChanged(routed);
            NodeRegistry.TryTell<TunDeviceActor>(Context.System, changed);
            NodeRegistry.TryTell<Ipv4AddressActor>(Context.System, changed);
        }
    }

    private void Send(NeighbourId? to, List<byte[]> frames)
    {
        foreach (var (id, (_, link)) in _neighbours)
        {
            if (to is null || to == id)
            {
                foreach (var frame in frames)
                {
                    link.SendControl(FrameType.Control, frame);
                }
            }
        }
    }

    private IReadOnlyList<RouteInfo> Describe(RouteView view)
    {
        string? Hop(NeighbourId id) => _neighbours.TryGetValue(id, out var n) ? n.Peer.ToString() : null;
        string Key(RouterId id) => _ownership.IdentityOf(id)?.ToString() ?? id.ToString();
        return view switch
        {
            RouteView.Selected => [.. _core.GetSelectedRoutes().Select(r => new RouteInfo(r.Prefix.ToString(), Hop(r.NextHop), r.Metric, r.Seqno, Key(r.Originator)))],
            RouteView.Fallback => [.. _core.GetFallbackRoutes().Select(r => new RouteInfo(r.Prefix.ToString(), Hop(r.NextHop), r.Metric, r.Seqno, Key(r.Originator)))],
            _ => [.. _core.GetQueriedRoutes().Select(q => new RouteInfo(q.Prefix.ToString(), null, RouteMetric.Infinity, q.Seqno, Key(q.Originator)))],
        };
    }

    /// <summary>Link cost: RTT-based (<see cref="LinkCost.FromRtt"/>), scaled up by loss (×1/(1−loss), loss capped at 90 %).</summary>
    private static ushort Cost(TimeSpan rtt, double loss) =>
        (ushort)Math.Min(RouteMetric.Infinity - 1, LinkCost.FromRtt(rtt) / (1 - Math.Min(loss, 0.9)));

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
