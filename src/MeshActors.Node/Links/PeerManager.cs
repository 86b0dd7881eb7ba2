using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Settings;
using MeshActors.Node.State;

namespace MeshActors.Node.Links;

/// <summary>
/// Owns one <see cref="PeerLink"/> child per configured peer and per accepted inbound link, and keeps exactly one
/// link per peer key: when two links to the same peer exist (both dialled, or a redial raced an inbound one), the
/// link initiated by the node with the smaller public key wins on both sides, so both drop the same one.
/// Answers the peer table for the API and takes peers added or removed at run time; with a state section those are
/// remembered across restarts and dialled again at start.
/// <para>Supervises its children by failure type (<see cref="PeerLinkSupervision"/>): a peer this node can never dial
/// is stopped, logged once and kept in the table as <see cref="PeerState.Failed"/> until removed; a lost link or an
/// unexpected failure restarts that one child, which backs off before it dials again.</para>
/// </summary>
public sealed class PeerManager : ReceiveActor, IWithTimers
{
    public const string Name = "peers";

    /// <summary>Refused handshakes are logged as a sum at most this often (so a flood cannot flood the log).</summary>
    private static readonly TimeSpan HousekeepingInterval = TimeSpan.FromSeconds(5);

    private readonly NodeLinks _links;
    private readonly LinkTimers _timers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<PublicIdentity, (IActorRef Owner, Link Link)> _active = [];
    private readonly Dictionary<PublicIdentity, HashSet<IActorRef>> _standby = [];
    private readonly Dictionary<IActorRef, PeerStatus> _status = [];
    private readonly Dictionary<IActorRef, PeerUri> _configured = [];
    private readonly Dictionary<Link, IActorRef> _owners = [];
    private readonly Action<Link> _onInbound;
    private readonly SectionStore<LearnedPeers>? _learnedStore;
    private readonly ILinkDialer? _dialer;

    /// <summary>Configured children stopped for a configuration error, with its message, until their Terminated.</summary>
    private readonly Dictionary<IActorRef, string> _stopping = [];

    /// <summary>Configured children that were stopped for a configuration error: shown as failed until removed.</summary>
    private readonly HashSet<IActorRef> _failed = [];
    private readonly MassCloseTrim _trim = new();
    private readonly Dictionary<IActorRef, PeerUri> _learned = [];
    private int _nextChild;
    private long _refusedLogged;

    public PeerManager(
        NodeLinks links, IReadOnlyList<PeerUri> peers, LinkTimers timers, SectionStore<LearnedPeers>? learnedStore = null, ILinkDialer? dialer = null)
    {
        _links = links;
        _timers = timers;
        _learnedStore = learnedStore;
        _dialer = dialer;
        var self = Self;
        _onInbound = link => self.Tell(new InboundLink(link));
        foreach (var peer in peers)
        {
            StartOutbound(peer);
        }

        RedialLearned();

        Receive<InboundLink>(inbound => Context.Watch(Context.ActorOf(PeerLink.Inbound(inbound.Link, _timers), $"in-{++_nextChild}")));
        Receive<AdoptLink>(adopt => Context.Watch(Context.ActorOf(PeerLink.Inbound(adopt.Link, _timers), $"punch-{++_nextChild}")));
        Receive<LinkEstablished>(established =>
        {
            _owners[established.Link] = Sender;
            OnEstablished(established);
        });
        Receive<AnnounceLinks>(announce =>
        {
            foreach (var (owner, _) in _active.Values)
            {
                owner.Tell(announce);
            }
        });
        Receive<LinkEnded>(OnEnded);
        Receive<PeerStatusReport>(report =>
        {
            // A report may be read after its sender's Terminated (system messages go first): keep only live children's.
            if (Context.Child(Sender.Path.Name).Equals(Sender))
            {
                _status[Sender] = report.Status;
            }
        });
        Receive<Terminated>(terminated => Forget(terminated.ActorRef));
        Receive<GetPeers>(_ => Sender.Tell(new PeerList([.. _status.Values.OrderBy(s => s.Name, StringComparer.Ordinal)])));
        Receive<AddPeer>(OnAdd);
        Receive<DialDiscovered>(dial =>
        {
            if (_configured.Values.All(existing => existing != dial.Peer)
                && !(dial.Peer.Pinned is { } key && _active.ContainsKey(key)))
            {
                _log.Info("dialling {0} ({1})", dial.Peer, dial.Why);
                StartOutbound(dial.Peer, dial.Kind);
            }
        });
        Receive<DropDiscovered>(drop =>
        {
            // A child whose link is up stays: it found its peer, and a lost beacon or record must not cut a working link.
            foreach (var child in _configured.Where(pair => pair.Value == drop.Peer && pair.Key.Path.Name.StartsWith(drop.Kind + "-", StringComparison.Ordinal)
                             && !_active.Values.Any(active => active.Owner.Equals(pair.Key)))
                         .Select(pair => pair.Key).ToList())
            {
                _log.Info("no longer dialling {0} ({1})", drop.Peer, drop.Why);
                Context.Stop(child);
            }
        });
        Receive<RemovePeer>(OnRemove);
        Receive<HousekeepingTick>(_ => LogRefusals());
        Receive<TrimTick>(_ => TrimAfterMassClose());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="learnedStore">Where peers added at run time are kept across restarts; null: they are forgotten.</param>
    /// <param name="dialer">Dials configured peers; null: the node's <see cref="NodeLinks.Factory"/>.</param>
    public static Props Props(
        NodeLinks links, IReadOnlyList<PeerUri> peers, LinkTimers timers, SectionStore<LearnedPeers>? learnedStore = null, ILinkDialer? dialer = null) =>
        Akka.Actor.Props.Create(() => new PeerManager(links, peers, timers, learnedStore, dialer));

    /// <summary>Akka's own failure log is off: <see cref="OnChildFailure"/> logs each failure once, in one line where
    /// the failure is expected.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(OnChildFailure, loggingEnabled: false);

    protected override void PreStart()
    {
        _links.InboundLink += _onInbound;
        Timers.StartPeriodicTimer("housekeeping", HousekeepingTick.Instance, HousekeepingInterval);
    }

    protected override void PostStop() => _links.InboundLink -= _onInbound;

    /// <param name="kind">The child's name prefix: <c>peer</c> for configured and added peers, else the
    /// <see cref="DialDiscovered.Kind"/>.</param>
    private IActorRef StartOutbound(PeerUri peer, string kind = "peer")
    {
        var child = Context.ActorOf(PeerLink.Outbound(peer, _dialer ?? _links.Factory, _timers), $"{kind}-{++_nextChild}");
        _configured[child] = peer;
        Context.Watch(child);
        return child;
    }

    /// <summary>Runs in this actor while it handles a child's failure, so it may use the actor's state.</summary>
    private Directive OnChildFailure(Exception failure)
    {
        var directive = PeerLinkSupervision.Decide(failure);
        switch (PeerLinkSupervision.Unwrap(failure))
        {
            case PeerConfigurationException configuration:
                _log.Error("peer {0}: {1}; not retrying (change or remove this peer)", configuration.Peer, configuration.Message);
                foreach (var (child, _) in _configured.Where(pair => pair.Value == configuration.Peer))
                {
                    _stopping[child] = configuration.Message;
                }

                break;
            case LinkLostException:
                break; // the peer actor logged the loss and logs its backoff
            case var unexpected:
                _log.Error(unexpected, "a peer actor failed unexpectedly ({0}); {1}", unexpected.Message, directive == Directive.Restart ? "restarting it" : "stopping it");
                break;
        }

        return directive;
    }

    private void OnEstablished(LinkEstablished established)
    {
        var (peer, link) = (established.Peer, established.Link);
        if (peer == _links.Identity)
        {
            _log.Warning("link to {0} leads back to this node; dropping it", link.RemoteEndPoint);
            _owners.Remove(link);
            Sender.Tell(new DropDuplicate(link));
            return;
        }

        if (_active.TryGetValue(peer, out var current) && !current.Link.IsClosing)
        {
            // Same initiator: the newer link wins (the peer redialled, so it has given up the old one).
            var keepNew = Initiator(link) == Initiator(current.Link) || Prefer(link, current.Link);
            if (!keepNew)
            {
                _owners.Remove(link);
                Sender.Tell(new DropDuplicate(link));
                ParkIfConfigured(peer, Sender);
                return;
            }

            _owners.Remove(current.Link);
            current.Owner.Tell(new DropDuplicate(current.Link));
            ParkIfConfigured(peer, current.Owner);
        }

        _active[peer] = (Sender, link);
        _trim.LinksNow(_active.Count);
        Sender.Tell(new LinkAccepted(link));
    }

    private void OnEnded(LinkEnded ended)
    {
        _owners.Remove(ended.Link);
        if (_active.TryGetValue(ended.Peer, out var current) && current.Link == ended.Link)
        {
            _active.Remove(ended.Peer);
            LinkGone();
            if (_standby.Remove(ended.Peer, out var waiting))
            {
                foreach (var child in waiting)
                {
                    child.Tell(PeerLink.Reconnect.Instance);
                }
            }
        }
    }

    private void ParkIfConfigured(PublicIdentity peer, IActorRef child)
    {
        if (_configured.ContainsKey(child))
        {
            (_standby.TryGetValue(peer, out var set) ? set : _standby[peer] = []).Add(child);
        }
    }

    private void OnAdd(AddPeer add)
    {
        if (_configured.Values.Any(existing => existing.ToString() == add.Peer.ToString()))
        {
            Sender.Tell(new PeerCommandResult(false, $"peer {add.Peer} is already configured"));
            return;
        }

        var child = StartOutbound(add.Peer);
        _learned[child] = add.Peer;
        SaveLearned();
        _log.Info("peer {0} added as {1}", add.Peer, child.Path.Name);
        Sender.Tell(new PeerCommandResult(true, $"added {add.Peer}"));
    }

    private void OnRemove(RemovePeer remove)
    {
        var matches = _status
            .Where(pair => pair.Value.PublicKey == remove.KeyOrEndpoint || pair.Value.Endpoint == remove.KeyOrEndpoint
                || (_configured.TryGetValue(pair.Key, out var uri) && uri.ToString() == remove.KeyOrEndpoint))
            .Select(pair => pair.Key)
            .ToList();
        foreach (var child in matches)
        {
            Context.Stop(child);
            if (_failed.Remove(child))
            {
                // Already stopped: no Terminated will come to forget it.
                _status.Remove(child);
                _configured.Remove(child);
            }
        }

        if (matches.Count(child => _learned.Remove(child)) > 0)
        {
            SaveLearned();
        }

        Sender.Tell(matches.Count > 0
            ? new PeerCommandResult(true, $"removed {matches.Count} link(s) matching {remove.KeyOrEndpoint}")
            : new PeerCommandResult(false, $"no peer matches {remove.KeyOrEndpoint}"));
    }

    private void Forget(IActorRef child)
    {
        if (_stopping.Remove(child, out var reason) && _configured.TryGetValue(child, out var uri))
        {
            // Kept in the table (and in _configured, so the same URI is not added twice) until it is removed.
            _failed.Add(child);
            _status[child] = (_status.GetValueOrDefault(child)
                    ?? new PeerStatus(child.Path.Name, uri.ToString(), uri.Pinned?.ToString(), PeerState.Failed, true, null, 0, reason, null, 0))
                with { State = PeerState.Failed, LastError = reason, RttMs = null, Stats = null };
        }
        else
        {
            _status.Remove(child);
            _configured.Remove(child);
        }

        foreach (var set in _standby.Values)
        {
            set.Remove(child);
        }

        foreach (var link in _owners.Where(pair => pair.Value.Equals(child)).Select(pair => pair.Key).ToList())
        {
            _owners.Remove(link);
        }

        foreach (var peer in _active.Where(pair => pair.Value.Owner.Equals(child)).Select(pair => pair.Key).ToList())
        {
            _active.Remove(peer);
            LinkGone();
        }
    }

    /// <summary>Dials the peers an earlier run learned, except those the configuration names anyway.</summary>
    private void RedialLearned()
    {
        if (_learnedStore?.Load(_log) is not { } saved)
        {
            return;
        }

        foreach (var text in saved.Endpoints ?? [])
        {
            if (!PeerUriCheck.TryParse(text ?? "", out var peer, out var problem))
            {
                _log.Warning("ignoring a learned peer that does not parse: {0}", problem);
                continue;
            }

            if (_configured.Values.All(existing => existing.ToString() != peer.ToString()))
            {
                _learned[StartOutbound(peer)] = peer;
                _log.Info("dialling learned peer {0} again", peer);
            }
        }
    }

    private void SaveLearned() => _learnedStore?.TrySave(new LearnedPeers([.. _learned.Values.Select(peer => peer.ToString())]), _log);

    private void LogRefusals()
    {
        var refused = _links.RefusedHandshakes;
        if (refused > _refusedLogged)
        {
            _log.Warning("refused {0} inbound handshake(s) since the last report (admission policy, bad or replayed frames): {1}",
                refused - _refusedLogged, _links.DescribeRefusals());
            _refusedLogged = refused;
        }
    }

    /// <summary>A link left the table: in a mass close, (re)start the quiet timer after which the memory goes back.</summary>
    private void LinkGone()
    {
        if (_trim.LinksNow(_active.Count) && _timers.TrimAfterMassClose > TimeSpan.Zero)
        {
            Timers.StartSingleTimer("trim", TrimTick.Instance, _timers.TrimAfterMassClose);
        }
    }

    private void TrimAfterMassClose()
    {
        var (before, after, pause) = _trim.Trim(_active.Count);
        _log.Info("links closed en masse, {0} left: returned {1} MB of managed memory to the OS ({2} MB committed; paused {3:0.0} ms)",
            _active.Count, (before - after) >> 20, after >> 20, pause.TotalMilliseconds);
    }

    private PublicIdentity Initiator(Link link) => link.IsOutbound ? _links.Identity : link.Peer;

    /// <summary>True when <paramref name="candidate"/> should replace <paramref name="current"/>: its initiator has the smaller key.</summary>
    private bool Prefer(Link candidate, Link current) =>
        Initiator(candidate).Bytes.SequenceCompareTo(Initiator(current).Bytes) < 0;

    private sealed record InboundLink(Link Link);

    private sealed record HousekeepingTick
    {
        public static readonly HousekeepingTick Instance = new();
    }

    private sealed record TrimTick
    {
        public static readonly TrimTick Instance = new();
    }
}

/// <summary>Ask the peer manager for every peer's status.</summary>
public sealed record GetPeers
{
    public static readonly GetPeers Instance = new();
}

public sealed record PeerList(IReadOnlyList<PeerStatus> Peers);

public sealed record AddPeer(PeerUri Peer);

/// <summary>A link this node dialled outside any configured peer (a punched path): kept like an accepted link, not
/// redialled when it ends (the NAT traversal actor punches again when traffic wants it).</summary>
public sealed record AdoptLink(Link Link);

/// <summary>Dial a peer found rather than configured (key pinned) like a configured peer, redialled with backoff, not
/// remembered across restarts: a relay the NAT traversal actor wants (<paramref name="Kind"/> <c>relay</c>) or a node
/// heard on the LAN (<c>lan</c>); the child is named <c>KIND-N</c>. A URI already configured, or a key already linked,
/// is not dialled again.</summary>
/// <param name="Why">For the log.</param>
public sealed record DialDiscovered(PeerUri Peer, string Kind, string Why);

/// <summary>Stop the <paramref name="Kind"/> child <see cref="DialDiscovered"/> started for this URI, unless its link is up.</summary>
public sealed record DropDiscovered(PeerUri Peer, string Kind, string Why);

/// <summary>Remove by public key (64 hex) or by URI/endpoint as listed.</summary>
public sealed record RemovePeer(string KeyOrEndpoint);

public sealed record PeerCommandResult(bool Succeeded, string Message);
