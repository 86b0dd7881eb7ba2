using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.Node.Actors;
using MeshActors.Node.Discovery;
using MeshActors.Node.Names;
using MeshActors.Node.Nat;
using MeshActors.Node.Routing;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Frames;

namespace MeshActors.Node.Links;

/// <summary>
/// One neighbour. Outbound (a configured peer): dial → handshake → up; a failed dial is retried with exponential
/// backoff and jitter. When an established link ends, the actor throws <see cref="LinkLostException"/>: the
/// <see cref="PeerManager"/>'s strategy (<see cref="PeerLinkSupervision"/>) restarts it and the new incarnation backs
/// off before it redials, as after any unexpected failure; a URI this node can never dial throws
/// <see cref="PeerConfigurationException"/> and is stopped. Inbound: adopt the accepted link; stop when it ends. While up: send a hello every
/// <see cref="LinkTimers.HelloInterval"/>, answer hellos with IHU, measure RTT and loss, declare the link dead after
/// <see cref="LinkTimers.DeadAfter"/> of silence, and tell the route table (from the actor registry)
/// <see cref="LinkUp"/>/<see cref="LinkDown"/>/<see cref="LinkQualityChanged"/>; Control frames go to the actor
/// <see cref="ControlRoutes"/> names for their kind, as <see cref="ControlReceived"/>.
/// <para>The seam: once the manager accepts the link this actor claims it (<see cref="Link.Claim"/>); the link's
/// reader puts control frames into the link's bounded <see cref="ControlInbox"/> and wakes this actor at most once
/// until it has drained the inbox (<see cref="InboxBatch"/> frames per wake-up). Packets never come here.</para>
/// </summary>
public sealed class PeerLink : ReceiveActor, IWithTimers
{
    /// <summary>Control frames handled per wake-up: a flooding peer's inbox yields to timers and other messages.</summary>
    private const int InboxBatch = 32;

    private readonly PeerUri? _dial;
    private readonly ILinkDialer? _dialer;
    private readonly Link? _inbound;
    private readonly LinkTimers _timers;
    private readonly PeerLinkHistory _history;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Random _random = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Link? _link;
    private LinkHealth? _health;
    private ControlCredit? _credit;
    private CancellationTokenSource? _connecting;
    private PeerState _state;

    /// <param name="history">Shared by every incarnation of this actor (it is part of the props).</param>
    public PeerLink(PeerUri? dial, ILinkDialer? dialer, Link? inbound, LinkTimers timers, PeerLinkHistory history)
    {
        _dial = dial;
        _dialer = dialer;
        _inbound = inbound;
        _timers = timers;
        _history = history;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Outbound(PeerUri dial, ILinkDialer dialer, LinkTimers timers)
    {
        var history = new PeerLinkHistory();
        return Props.Create(() => new PeerLink(dial, dialer, null, timers, history));
    }

    public static Props Inbound(Link link, LinkTimers timers)
    {
        var history = new PeerLinkHistory();
        return Props.Create(() => new PeerLink(null, null, link, timers, history));
    }

    private long NowMicros => (long)_clock.Elapsed.TotalMicroseconds;

    protected override void PreStart()
    {
        if (_inbound is { } link)
        {
            Adopt(link);
        }
        else
        {
            BecomeConnecting();
        }
    }

    /// <summary>The link (if any) is closed by <see cref="PostStop"/>, which runs before a restart; the manager
    /// learns that it ended so a standby sibling may dial.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        if (_link is { } link)
        {
            Context.Parent.Tell(new LinkEnded(link.Peer, link));
        }

        base.PreRestart(reason, message);
    }

    /// <summary>Restarted by the manager: a dialled peer backs off, then dials again; an accepted link cannot be
    /// dialled again (the old incarnation closed it), so that actor stops and the peer redials us.</summary>
    protected override void PostRestart(Exception reason)
    {
        _history.Restarts++;
        if (_dial is null)
        {
            Context.Stop(Self);
            return;
        }

        BackOff(Describe(PeerLinkSupervision.Unwrap(reason)));
    }

    protected override void PostStop()
    {
        _connecting?.Cancel();
        if (_link is { } link)
        {
            link.Close(CloseReason.Shutdown);
            TellRoutes(new LinkDown(link.Peer, link, "peer removed or node stopping"));
        }
    }

    // ----- outbound: connecting and backing off -----

    private void BecomeConnecting()
    {
        _state = PeerState.Connecting;
        Report();
        _connecting = new CancellationTokenSource(_timers.ConnectTimeout);
        _dialer!.ConnectAsync(_dial!, _connecting.Token).PipeTo(
            Self, success: link => new Connected(link), failure: error => new ConnectFailed(error));
        Become(() =>
        {
            Receive<Connected>(connected => Adopt(connected.Link));
            Receive<ConnectFailed>(failed =>
            {
                // Typed failures decide: a transport this platform or node cannot speak is a configuration error that
                // no retry fixes (the manager stops us); a refused, timed-out or reset dial is an expected outcome and
                // backs off here; anything else is unexpected and restarts this actor, which backs off as well.
                switch (Unwrap(failed.Error))
                {
                    case TransportNotSupportedException unsupported:
                        throw new PeerConfigurationException(_dial!, unsupported.Message, unsupported);
                    case LinkHandshakeException or SocketException or IOException or OperationCanceledException or TimeoutException:
                        BackOff(Describe(failed.Error));
                        break;
                    case var unexpected:
                        ExceptionDispatchInfo.Throw(unexpected);
                        break;
                }
            });
        });
    }

    private void BackOff(string reason)
    {
        _history.LastError = reason;
        var delay = _timers.ReconnectDelay(_history.Attempt++, _random);
        _log.Warning("peer {0}: {1}; retrying in {2:0.0} s", _dial, reason, delay.TotalSeconds);
        _state = PeerState.BackingOff;
        Report();
        Timers.StartSingleTimer("reconnect", Reconnect.Instance, delay);
        Become(() => Receive<Reconnect>(_ => BecomeConnecting()));
    }

    // ----- a link exists: ask the manager whether it is the one to keep -----

    private void Adopt(Link link)
    {
        _link = link;
        link.Closed.PipeTo(Self, success: info => new Lost(link, info.ToString()), failure: error => new Lost(link, Describe(error)));
        Context.Parent.Tell(new LinkEstablished(link.Peer, link));
        Become(() =>
        {
            Receive<LinkAccepted>(accepted => accepted.Link == _link, _ => BecomeUp());
            Receive<DropDuplicate>(drop => drop.Link == _link, _ => DropAsDuplicate());
            Receive<Lost>(lost => lost.Link == _link, lost => LinkGone(lost.Reason, announced: false));
        });
    }

    private void DropAsDuplicate()
    {
        var link = _link!;
        _link = null;
        link.Close(CloseReason.Duplicate);
        _log.Info("peer {0}: already linked over another connection; closing this one", link.Peer);
        if (_dial is null)
        {
            Context.Stop(Self);
            return;
        }

        // A configured peer stays ready: when the winning link ends, the manager wakes us to redial.
        _state = PeerState.Standby;
        Report();
        Become(() => Receive<Reconnect>(_ => BecomeConnecting()));
    }

    // ----- up -----

    private void BecomeUp()
    {
        var link = _link!;
        _history.Attempt = 0;
        _history.LastError = null;
        _state = PeerState.Up;
        _health = new LinkHealth((long)_timers.DeadAfter.TotalMicroseconds);
        _health.Start(NowMicros);
        _log.Info("peer {0} up over {1} ({2})", link.Peer, link.RemoteEndPoint, link.Cipher);
        TellRoutes(new LinkUp(link.Peer, link, _timers.HelloInterval));
        SendHello();
        Timers.StartPeriodicTimer("hello", HelloTick.Instance, _timers.HelloInterval);
        Report();
        Become(() =>
        {
            Receive<HelloTick>(_ => OnHelloTick());
            Receive<AnnounceLinks>(_ =>
            {
                TellRoutes(new LinkUp(link.Peer, link, _health?.SmoothedRtt ?? _timers.HelloInterval));
                // Frames the old route table never handled never come back: start a fresh window.
                _credit = new ControlCredit(Self, link);
                DrainInbox();
            });
            Receive<ControlPending>(pending => pending.Link == _link, _ => DrainInbox());
            Receive<Lost>(lost => lost.Link == _link, lost => LinkGone(lost.Reason, announced: true));
            Receive<DropDuplicate>(drop => drop.Link == _link, _ =>
            {
                Timers.Cancel("hello");
                TellRoutes(new LinkDown(_link!.Peer, _link, "replaced by another link to the same peer"));
                _health = null;
                DropAsDuplicate();
            });
        });

        // Claimed only now: frames that arrived meanwhile waited in the inbox, in order, and wake us at once.
        _credit = new ControlCredit(Self, link);
        link.Claim(new InboxWaker(Self));
    }

    /// <summary>Handles up to <see cref="InboxBatch"/> frames; stops without rearming while the handlers of this link's
    /// Control frames are <see cref="ControlCredit.MaxInFlight"/> behind (their Done wakes us).</summary>
    private void DrainInbox()
    {
        var inbox = _link!.Inbox;
        for (var taken = 0; taken < InboxBatch; taken++)
        {
            if (!_credit!.TryTake())
            {
                return;
            }

            if (!inbox.TryTake(out var frame))
            {
                _credit.Done();
                break;
            }

            if (!OnControl(frame))
            {
                _credit.Done();
            }
        }

        inbox.Rearm();
    }

    private void OnHelloTick()
    {
        var link = _link!;
        if (_health!.IsDead(NowMicros))
        {
            link.Close(CloseReason.Idle);
            LinkGone($"no frame for {_timers.DeadAfter.TotalSeconds:0.#} s", announced: true);
            return;
        }

        SendHello();
        if (_health.SmoothedRtt is { } rtt)
        {
            TellRoutes(new LinkQualityChanged(link.Peer, link, rtt, _health.Loss));
        }

        Report();
    }

    private void SendHello()
    {
        Span<byte> payload = stackalloc byte[HelloPayload.Size];
        _health!.NextHello(NowMicros, _timers.HelloInterval).Write(payload);
        _link!.SendControl(FrameType.Hello, payload);
    }

    /// <summary>Handles one frame; true when it was passed on to a handler that will call <see cref="ControlCredit.Done"/>.</summary>
    private bool OnControl(ControlFrame frame)
    {
        var link = _link!;
        var now = NowMicros;
        switch (frame.Type)
        {
            case FrameType.Hello when HelloPayload.TryRead(frame.Payload, out var hello):
                Span<byte> answer = stackalloc byte[IhuPayload.Size];
                _health!.AnswerHello(hello, now).Write(answer);
                link.SendControl(FrameType.Ihu, answer);
                break;
            case FrameType.Ihu when IhuPayload.TryRead(frame.Payload, out var ihu):
                _health!.TakeIhu(ihu, now);
                break;
            case FrameType.Control:
                _health!.Heard(now);
                return frame.Payload.Length > 0 && ControlRoutes.For(frame.Payload[0]) is { } handler
                    && NodeRegistry.TryTell(Context.System, handler, new ControlReceived(link.Peer, link, frame.Payload, _credit!));
            default:
                _health!.Heard(now);
                break;
        }

        return false;
    }

    private void LinkGone(string reason, bool announced)
    {
        var link = _link!;
        _link = null;
        _health = null;
        Timers.Cancel("hello");
        if (announced)
        {
            _log.Warning("peer {0} down: {1}", link.Peer, reason);
            TellRoutes(new LinkDown(link.Peer, link, reason));
        }

        Context.Parent.Tell(new LinkEnded(link.Peer, link));
        if (_dial is null)
        {
            Context.Stop(Self);
            return;
        }

        // A transient failure: the manager restarts this actor, which backs off and dials again (PostRestart).
        throw new LinkLostException(reason);
    }

    /// <summary>
    /// News about a link this actor no longer holds (its loss, its late frames, the manager's verdict on it) is an
    /// expected race after a redial or a drop, not a fault: ignore it instead of logging it as unhandled.
    /// </summary>
    protected override void Unhandled(object message)
    {
        if (message is not (Lost or ControlPending or LinkAccepted or DropDuplicate or HelloTick or AnnounceLinks))
        {
            base.Unhandled(message);
        }
    }

    /// <summary>Link news goes to the route table and the NAT traversal actor (which tells the peer where its frames
    /// come from, and learns links from quality reports after a restart); up and down also to the names actor, which
    /// hands a new link every record.</summary>
    private void TellRoutes(object message)
    {
        NodeRegistry.TryTell<RouteTableActor>(Context.System, message);
        NodeRegistry.TryTell<NatTraversalActor>(Context.System, message);
        if (message is LinkUp or LinkDown)
        {
            NodeRegistry.TryTell<NamesActor>(Context.System, message);
        }

        // Registered only with discovery.rendezvous on.
        NodeRegistry.TryTell<RendezvousActor>(Context.System, message);
    }

    private void Report() => Context.Parent.Tell(new PeerStatusReport(new PeerStatus(
        Self.Path.Name,
        _dial?.ToString() ?? (_link is { } inbound ? $"{inbound.Scheme}://{inbound.RemoteEndPoint}" : null),
        _link?.Peer.ToString() ?? _dial?.Pinned?.ToString(),
        _state,
        _dial is not null,
        _health?.SmoothedRtt?.TotalMilliseconds,
        _health?.Loss ?? 0,
        _history.LastError,
        _link?.Snapshot(),
        _history.Restarts)));

    private static Exception Unwrap(Exception error) => error is AggregateException { InnerException: { } inner } ? Unwrap(inner) : error;

    private static string Describe(Exception error) => error switch
    {
        AggregateException { InnerException: { } inner } => Describe(inner),
        OperationCanceledException => "connect timed out",
        _ => error.Message,
    };

    private sealed record Connected(Link Link);

    private sealed record ConnectFailed(Exception Error);

    private sealed record Lost(Link Link, string Reason);

    private sealed record HelloTick
    {
        public static readonly HelloTick Instance = new();
    }

    internal sealed record Reconnect
    {
        public static readonly Reconnect Instance = new();
    }
}
