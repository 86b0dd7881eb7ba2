using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Messaging.Api;
using MeshActors.Node.Actors;
using MeshActors.Node.Links;
using MeshActors.Node.Messaging;
using MeshActors.Node.Names;
using MeshActors.Node.Settings;
using MeshActors.Protocol.Counting;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Names;
using MeshActors.Protocol.Nat;
using MeshActors.Protocol.Routing;
using MeshActors.Routing.Names;
using MeshActors.Routing.Nat;

namespace MeshActors.Node.Nat;

/// <summary>
/// NAT discovery and traversal.
/// <para>Reflections: tells every neighbour the endpoint its frames arrive from (control kind
/// <see cref="ControlKinds.Reflection"/>) when its link comes up, when that endpoint moves (NAT rebinding, roaming)
/// and every <c>nat.reflection-interval</c> (UDP control frames can be lost); keeps what UDP neighbours report back in
/// <see cref="NatObservations"/> and answers the NAT type it implies (<see cref="GetNatStatus"/>). Links are learnt
/// from <see cref="LinkUp"/> and from the <see cref="LinkQualityChanged"/> each link reports every hello interval, so
/// a restarted actor knows every live link again within one hello interval; that report is also the clock of the
/// re-sends. Only UDP reports count: a TCP connection's source port is chosen per connection and says nothing about
/// the mapping of the node's UDP socket.</para>
/// <para>Punching (with <see cref="NatPunching"/>): traffic for a node this one has no link to (a bus message,
/// <see cref="TrafficFor"/>, or any payload sealed end to end for it, seen by comparing the sessions' send positions
/// every <see cref="NatPunching.TrafficCheckInterval"/>) starts an offer of this node's candidates and a fresh token, sent end to end over the
/// bus; the peer answers with its own and both start a <see cref="NatSession"/> child that punches from the shared
/// UDP socket; the side with the smaller key dials. A punched link is an ordinary link (routing prefers it by its
/// lower cost) that hellos keep alive. A failed attempt (or an offer unanswered for
/// <see cref="NatPunching.AnswerTimeout"/>) backs off per peer, doubling from <c>nat.retry-min</c> to
/// <c>nat.retry-max</c>; traffic stays on the relayed path meanwhile. Two offers that cross: the smaller key's wins.</para>
/// <para>Roles: a node its UDP neighbours see untranslated has the public endpoints they see announced in its name
/// record (with the relay flag unless <c>nat.relay = off</c>); a node behind NAT keeps a link to at least one relay,
/// dialling one from the records when none is linked (<see cref="RelayKeeper"/>, every <see cref="KeepInterval"/>).</para>
/// </summary>
public sealed class NatTraversalActor : ReceiveActor, IWithTimers
{
    public const string Name = "nat";

    /// <summary>Most neighbours whose reflection is held; more are counted and ignored. Far above any node's link
    /// count, it only bounds what a stream of fresh keys could cost.</summary>
    public const int MaxObservers = 1024;

    /// <summary>Most punching attempts and pending offers at once (and peers with a backoff remembered): bounds what
    /// a node that is told of traffic to many peers, or offered by many, spends.</summary>
    public const int MaxAttempts = 64;

    /// <summary>How often the public endpoints are handed to the names actor (it ignores an unchanged list, and a
    /// restarted one learns them again) and the relay links checked.</summary>
    public static readonly TimeSpan KeepInterval = TimeSpan.FromSeconds(2);

    /// <summary>A dialled relay not linked for this long is given up: a dial times out and backs off well within it.</summary>
    public static readonly TimeSpan RelayGiveUp = TimeSpan.FromSeconds(15);

    /// <summary>A relay given up is not dialled again for this long, so the others get their turn.</summary>
    public static readonly TimeSpan RelayCoolDown = TimeSpan.FromSeconds(60);

    private readonly NatSettings _settings;
    private readonly NameDirectoryHolder? _directory;
    private readonly RelayKeeper _keeper = new(RelayGiveUp, RelayCoolDown);
    private readonly Func<LocalEndpoints> _localEndpoints;
    private readonly NatPunching? _punching;
    private readonly NatObservations _observations = new(MaxObservers);
    private readonly Dictionary<PublicIdentity, Told> _links = [];
    private readonly Dictionary<PublicIdentity, (UInt128 Token, long SentMs)> _offers = [];
    private readonly Dictionary<PublicIdentity, IActorRef> _sessions = [];
    private readonly Dictionary<PublicIdentity, (int Failures, long NotBeforeMs)> _backoff = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Random _random = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CounterSet<ReflectionOutcome> _reflections = new();
    private readonly CounterSet<PunchEvent> _punches = new();

    private readonly TrafficWatch<PublicIdentity> _watch = new();
    private NatVerdict _verdict = NatVerdict.Empty;

    /// <summary>Whether the last neighbours that reported saw this node translated: a node behind NAT whose every
    /// link went down (its relay crashed) has no reports left, but is still behind NAT and must find a relay.</summary>
    private bool _behindNat;

    /// <summary>The UDP endpoints the last reporting neighbours saw this node at untranslated: kept, like
    /// <see cref="_behindNat"/>, while no neighbour reports, so a relay that lost its links stays announced.</summary>
    private IPEndPoint[] _publicEndpoints = [];

    /// <param name="localEndpoints">The node's own addresses and UDP ports (read when a reflection changes or an
    /// offer is made).</param>
    /// <param name="punching">Null: reflections and the NAT type only, no punching.</param>
    /// <param name="directory">The mesh's name records: where this node's public endpoints go and relays come from;
    /// null: neither.</param>
    public NatTraversalActor(NatSettings settings, Func<LocalEndpoints> localEndpoints, NatPunching? punching = null, NameDirectoryHolder? directory = null)
    {
        _settings = settings;
        _directory = directory;
        _localEndpoints = localEndpoints;
        _punching = punching;
        Receive<LinkUp>(up =>
        {
            Reflect(up.Peer, up.Link, force: true);
            // An answer to an offer made before this link came up would start a punch for a peer already linked.
            _offers.Remove(up.Peer);
            if (_sessions.TryGetValue(up.Peer, out var session))
            {
                session.Tell(PeerLinked.Instance);
            }
        });
        Receive<LinkQualityChanged>(quality => Reflect(quality.Peer, quality.Link, force: false));
        Receive<LinkDown>(OnLinkDown);
        Receive<ControlReceived>(OnControl);
        Receive<GetNatStatus>(_ => Sender.Tell(Describe()));
        Receive<TrafficFor>(OnTraffic);
        Receive<PunchSignalReceived>(OnSignal);
        Receive<SessionEnded>(OnSessionEnded);
        Receive<OfferTimeout>(_ => ExpireOffers());
        Receive<TrafficCheck>(_ =>
        {
            foreach (var peer in _watch.Sent(_punching!.Sending!()))
            {
                Consider(peer);
            }
        });
        Receive<SendAnswer>(_ => { });
        Receive<KeepTick>(_ => KeepRoles());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        NatSettings settings, Func<LocalEndpoints> localEndpoints, NatPunching? punching = null, NameDirectoryHolder? directory = null) =>
        Akka.Actor.Props.Create(() => new NatTraversalActor(settings, localEndpoints, punching, directory));

    private long NowMs => _clock.ElapsedMilliseconds;

    protected override void PreStart()
    {
        if (_directory is not null)
        {
            Timers.StartPeriodicTimer("roles", KeepTick.Instance, KeepInterval);
        }

        if (_punching is not null)
        {
            Timers.StartPeriodicTimer("offers", OfferTimeout.Instance, TimeSpan.FromSeconds(1));
            if (_punching.Sending is not null)
            {
                Timers.StartPeriodicTimer("traffic", TrafficCheck.Instance, NatPunching.TrafficCheckInterval);
            }
        }
    }

    // ----- reflections and the NAT type -----

    /// <summary>Sends the link's peer its reflection when the link is new, its endpoint moved, or the last one is older
    /// than the reflection interval.</summary>
    private void Reflect(PublicIdentity peer, Link link, bool force)
    {
        if (link.RemoteEndPoint is not IPEndPoint seen || seen.Port == 0)
        {
            return;
        }

        var now = Environment.TickCount64;
        if (!force && _links.TryGetValue(peer, out var told) && told.Link == link && told.EndPoint.Equals(seen)
            && now - told.AtMs < (long)_settings.ReflectionInterval.TotalMilliseconds)
        {
            return;
        }

        link.SendControl(FrameType.Control, ReflectionCodec.Encode(seen));
        _links[peer] = new Told(link, seen, now);
    }

    private void OnLinkDown(LinkDown down)
    {
        if (_links.TryGetValue(down.Peer, out var told) && told.Link == down.Link)
        {
            _links.Remove(down.Peer);
            if (_observations.Forget(Key(down.Peer)))
            {
                Reclassify();
            }
        }
    }

    private void OnControl(ControlReceived control)
    {
        try
        {
            if (control.Payload.Length > 0 && control.Payload[0] == ControlKinds.Introduction)
            {
                TakeIntroduction(control);
            }
            else
            {
                TakeReflection(control);
            }
        }
        finally
        {
            control.Credit.Done();
        }
    }

    private void TakeReflection(ControlReceived control)
    {
        if (!ReflectionCodec.TryDecode(control.Payload, out var seen))
        {
            _reflections.Increment(ReflectionOutcome.Malformed);
            return;
        }

        if (control.Link.Scheme != "udp")
        {
            _reflections.Increment(ReflectionOutcome.Tcp);
            return;
        }

        var refusedBefore = _observations.Refused;
        var changed = _observations.Observe(Key(control.Peer), seen!);
        _reflections.Increment(_observations.Refused > refusedBefore ? ReflectionOutcome.Refused : ReflectionOutcome.Accepted);
        if (changed)
        {
            Reclassify();
        }
    }

    /// <summary>A rendezvous neighbour's list of other nodes linked to it: each is considered as if traffic were
    /// waiting for it, so the punch signals go through the rendezvous and a direct link follows.</summary>
    private void TakeIntroduction(ControlReceived control)
    {
        if (_punching is null || !IntroductionCodec.TryDecode(control.Payload, out var keys))
        {
            _punches.Increment(PunchEvent.IntroductionsRefused);
            return;
        }

        _punches.Increment(PunchEvent.IntroductionsReceived);
        _log.Info("{0} introduced {1} node(s) linked to it", control.Peer, keys.Length);
        foreach (var key in keys)
        {
            if (PublicIdentity.TryFromBytes(key, out var peer) && peer != control.Peer)
            {
                Consider(peer);
            }
        }
    }

    private void Reclassify()
    {
        var verdict = _observations.Classify(_localEndpoints());
        if (verdict.Type != _verdict.Type || verdict.BehindNat != _verdict.BehindNat)
        {
            _log.Info("NAT: {0}{1} ({2} neighbour(s) reporting; reflexive: {3})",
                verdict.Type, verdict.BehindNat ? ", behind NAT" : "", verdict.Observers,
                verdict.Reflexive.Count == 0 ? "none" : string.Join(", ", verdict.Reflexive));
        }

        _verdict = verdict;
        if (verdict.Observers > 0)
        {
            _behindNat = verdict.BehindNat;
            _publicEndpoints = SeenUntranslated(_localEndpoints());
        }
    }

    // ----- roles: public endpoints and relays -----

    /// <summary>The UDP endpoints neighbours see this node at untranslated, when none sees it translated.</summary>
    private IPEndPoint[] SeenUntranslated(LocalEndpoints local) => _verdict.BehindNat
        ? []
        : [.. _observations.Reflections.Select(r => r.Sees).Where(local.Contains).Distinct()
            .OrderBy(endPoint => endPoint.ToString(), StringComparer.Ordinal).Take(NameRecordCodec.MaxEndpoints)];

    private string Role => _behindNat ? "client"
        : _publicEndpoints.Length == 0 ? "unknown"
        : _settings.Relay ? "relay" : "public";

    private void KeepRoles()
    {
        var endpoints = _publicEndpoints;
        NodeRegistry.TryTell<NamesActor>(Context.System, new OwnEndpointsChanged(endpoints, endpoints.Length > 0 && _settings.Relay), Self);
        var linked = _links.Keys.Select(Key).ToHashSet();

        // Reading the relays probes the host's addresses (allocating): only a client or a held relay needs them.
        var relays = _behindNat || _keeper.Dialled.Any() ? Relays() : [];
        foreach (var step in _keeper.Next(_behindNat, relays, linked, NowMs))
        {
            if (PublicIdentity.TryFromBytes(step.Relay.Key.Span, out var key))
            {
                var uri = PeerUri.PinnedUdp(step.Relay.EndPoint, key);
                NodeRegistry.TryTell<PeerManager>(
                    Context.System,
                    step.Dial
                        ? new DialDiscovered(uri, "relay", "behind NAT with no relay linked; a relay from the mesh's records")
                        : new DropDiscovered(uri, "relay", "relay not linked within the give-up time"),
                    Self);
            }
        }
    }

    /// <summary>Relays the records announce, this node excepted: each with its first endpoint of a family this node
    /// has an address of.</summary>
    private List<RelayCandidate> Relays()
    {
        var self = _punching?.Self;
        var families = _localEndpoints().Addresses.Select(address => address.AddressFamily).ToHashSet();
        var relays = new List<RelayCandidate>();
        foreach (var record in _directory?.Current.Records ?? [])
        {
            if (!record.IsRelay || (self is { } own && own.Bytes.SequenceEqual(record.Key)))
            {
                continue;
            }

            if (record.PublicEndpoints.FirstOrDefault(endPoint => families.Contains(endPoint.AddressFamily)) is { } endPoint)
            {
                relays.Add(new RelayCandidate(new KeyBytes(record.Key), endPoint));
            }
        }

        return relays;
    }

    // ----- punching -----

    private void OnTraffic(TrafficFor traffic)
    {
        if (PublicIdentity.TryFromBytes(traffic.Key, out var peer))
        {
            Consider(peer);
        }
    }

    /// <summary>Traffic for <paramref name="peer"/>: offers a punch unless a link, an attempt, a backoff or the bound
    /// says no.</summary>
    private void Consider(PublicIdentity peer)
    {
        if (_punching is not { } punching || peer == punching.Self
            || _links.ContainsKey(peer) || _offers.ContainsKey(peer) || _sessions.ContainsKey(peer)
            || _offers.Count + _sessions.Count >= MaxAttempts
            || (_backoff.TryGetValue(peer, out var backoff) && NowMs < backoff.NotBeforeMs))
        {
            return;
        }

        var token = RandomToken();
        _offers[peer] = (token, NowMs);
        Signal(peer, new PunchSignal(PunchSignalKind.Offer, (byte)_verdict.Type, token, OwnCandidates(punching)));
    }

    private void OnSignal(PunchSignalReceived received)
    {
        if (_punching is not { } punching || !PublicIdentity.TryFromBytes(received.Sender, out var peer) || peer == punching.Self
            || !PunchSignalCodec.TryDecode(received.Payload, out var signal))
        {
            _punches.Increment(PunchEvent.SignalsRefused);
            return;
        }

        if (signal!.Kind == PunchSignalKind.Answer)
        {
            _punches.Increment(PunchEvent.AnswersReceived);
            if (_offers.TryGetValue(peer, out var offer) && offer.Token == signal.Token)
            {
                _offers.Remove(peer);
                StartSession(punching, peer, signal);
            }

            return;
        }

        _punches.Increment(PunchEvent.OffersReceived);
        if (_links.ContainsKey(peer))
        {
            // The bus delivers an offer late when it was made while no path existed: a punched link now would only
            // replace the direct one (and lose what was in flight on it).
            _punches.Increment(PunchEvent.OffersWhileLinked);
            return;
        }

        var ours = _offers.ContainsKey(peer);
        if (_sessions.ContainsKey(peer) || (ours && IsDialler(punching, peer)) || (!ours && _offers.Count + _sessions.Count >= MaxAttempts))
        {
            // Already punching, or our own crossing offer wins (the smaller key's), or too busy.
            return;
        }

        if (ours)
        {
            _offers.Remove(peer);
        }

        Signal(peer, new PunchSignal(PunchSignalKind.Answer, (byte)_verdict.Type, signal.Token, OwnCandidates(punching)));
        StartSession(punching, peer, signal);
    }

    private void StartSession(NatPunching punching, PublicIdentity peer, PunchSignal remote)
    {
        var candidates = remote.Candidates.Select(c => c.EndPoint).ToList();
        var reflexive = remote.Candidates.Where(c => c.Kind == CandidateKind.Reflexive).Select(c => c.EndPoint).ToList();
        var attempt = new PunchAttempt(
            IsDialler(punching, peer), candidates, reflexive, _verdict.Type, (NatType)remote.NatType, punching.Settings, 0, _random);
        var own = OwnEndpoints(punching);
        var sessionClock = Stopwatch.StartNew();
        var session = Context.ActorOf(
            NatSession.Props(peer, remote.Token, attempt, sessionClock, punching.Probes, punching.Factory, punching.DialTimeout, own),
            $"punch-{peer.ToString()[..8]}-{_punches[PunchEvent.Started]}");
        _sessions[peer] = session;
        _punches.Increment(PunchEvent.Started);
        _log.Info("punching towards {0} ({1} candidate(s), peer NAT {2}, own NAT {3}{4})",
            peer, candidates.Count, (NatType)remote.NatType, _verdict.Type, attempt.Sweeps ? ", sweeping its ports" : "");
    }

    private void OnSessionEnded(SessionEnded ended)
    {
        if (_sessions.TryGetValue(ended.Peer, out var session) && session.Equals(Sender))
        {
            _sessions.Remove(ended.Peer);
        }

        if (ended.Succeeded)
        {
            _punches.Increment(PunchEvent.Succeeded);
            _backoff.Remove(ended.Peer);
        }
        else
        {
            _punches.Increment(PunchEvent.Failed);
            BackOff(ended.Peer);
            _log.Info("punching towards {0} failed ({1} sweep probe(s)); traffic stays relayed", ended.Peer, ended.SweepProbes);
        }
    }

    private void ExpireOffers()
    {
        var timeout = (long)NatPunching.AnswerTimeout.TotalMilliseconds;
        foreach (var peer in _offers.Where(pair => NowMs - pair.Value.SentMs >= timeout).Select(pair => pair.Key).ToList())
        {
            _offers.Remove(peer);
            _punches.Increment(PunchEvent.Failed);
            BackOff(peer);
        }
    }

    private void BackOff(PublicIdentity peer)
    {
        var failures = _backoff.TryGetValue(peer, out var backoff) ? backoff.Failures + 1 : 1;
        if (!_backoff.ContainsKey(peer) && _backoff.Count >= MaxAttempts)
        {
            _backoff.Remove(_backoff.MinBy(pair => pair.Value.NotBeforeMs).Key);
        }

        var delay = Math.Min(_punching!.RetryMax.TotalMilliseconds, _punching.RetryMin.TotalMilliseconds * Math.Pow(2, failures - 1));
        _backoff[peer] = (failures, NowMs + (long)(delay * (0.8 + 0.4 * _random.NextDouble())));
    }

    private void Signal(PublicIdentity peer, PunchSignal signal) =>
        NodeRegistry.TryTell<MessageBusActor>(Context.System, new SendBusMessage(
            new MessageTarget(RouterId.FromBytes(peer.Bytes), null), PunchSignalCodec.Topic.ToArray(), PunchSignalCodec.Encode(signal), null, null), Self);

    /// <summary>Where the peer may reach this node's shared UDP socket: every endpoint neighbours see it at (reflexive
    /// first), then its own addresses with the socket's port (global IPv6 marked as such); never loopback or
    /// link-local addresses (they need the same host or a scope), at most <see cref="PunchSignalCodec.MaxCandidates"/>.</summary>
    private List<PunchCandidate> OwnCandidates(NatPunching punching)
    {
        var local = _localEndpoints();
        var seen = _observations.Reflections.Select(r => r.Sees).Distinct()
            .Select(endPoint => new PunchCandidate(local.Contains(endPoint) ? CandidateKind.Local : CandidateKind.Reflexive, endPoint));
        var own = local.Addresses
            .Where(address => !IPAddress.IsLoopback(address) && !address.IsIPv6LinkLocal)
            .Select(address => new PunchCandidate(
                address.AddressFamily == AddressFamily.InterNetworkV6 && !IsUniqueLocal(address) ? CandidateKind.Global : CandidateKind.Local,
                new IPEndPoint(address, punching.UdpPort)));
        return [.. seen.Concat(own).DistinctBy(c => c.EndPoint).Take(PunchSignalCodec.MaxCandidates)];
    }

    /// <summary>This node's own endpoints: a probe or dial to one of them is a loop back to itself.</summary>
    private HashSet<IPEndPoint> OwnEndpoints(NatPunching punching)
    {
        var local = _localEndpoints();
        return [.. local.Addresses.Select(address => new IPEndPoint(address, punching.UdpPort))];
    }

    private static bool IsUniqueLocal(IPAddress address) => (address.GetAddressBytes()[0] & 0xfe) == 0xfc;

    private static bool IsDialler(NatPunching punching, PublicIdentity peer) => punching.Self.Bytes.SequenceCompareTo(peer.Bytes) < 0;

    private static UInt128 RandomToken()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private NatStatus Describe() => new(
        NatTypeNames.Of(_verdict.Type),
        _verdict.BehindNat,
        [.. _verdict.Reflexive.Select(endPoint => endPoint.ToString())],
        [.. _observations.Reflections.OrderBy(r => r.Observer).Select(r => new NatObserver(r.Observer.ToString(), r.Sees.ToString()))],
        _reflections.ToDictionary(),
        [.. _sessions.Keys.Select(peer => peer.ToString()).Order(StringComparer.Ordinal)],
        _punches.ToDictionary(),
        _settings.Relay,
        Role,
        [.. _publicEndpoints.Select(endPoint => endPoint.ToString())],
        DescribeRelays());

    /// <summary>Every relay the records announce, with whether a link to it is up and whether this node dialled it
    /// for its client role.</summary>
    private List<NatRelay> DescribeRelays()
    {
        var dialled = _keeper.Dialled.Select(relay => relay.Key).ToHashSet();
        var linked = _links.Keys.Select(Key).ToHashSet();
        return [.. Relays().OrderBy(relay => relay.Key)
            .Select(relay => new NatRelay(relay.Key.ToString(), relay.EndPoint.ToString(), linked.Contains(relay.Key), dialled.Contains(relay.Key)))];
    }

    private static KeyBytes Key(PublicIdentity peer) => new(peer.Bytes.ToArray());

    private sealed record Told(Link Link, IPEndPoint EndPoint, long AtMs);

    private sealed record OfferTimeout
    {
        public static readonly OfferTimeout Instance = new();
    }

    private sealed record TrafficCheck
    {
        public static readonly TrafficCheck Instance = new();
    }

    private sealed record KeepTick
    {
        public static readonly KeepTick Instance = new();
    }
}
