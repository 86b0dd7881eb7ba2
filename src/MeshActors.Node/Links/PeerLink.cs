using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Frames;

namespace MeshActors.Node.Links;

/// <summary>
/// One neighbour. Outbound (a configured peer): dial → handshake → up; on failure or loss, redial with exponential
/// backoff and jitter. Inbound: adopt the accepted link; stop when it ends. While up: send a hello every
/// <see cref="LinkTimers.HelloInterval"/>, answer hellos with IHU, measure RTT and loss, declare the link dead after
/// <see cref="LinkTimers.DeadAfter"/> of silence, and publish <see cref="LinkUp"/>/<see cref="LinkDown"/>/
/// <see cref="LinkQualityChanged"/>/<see cref="ControlReceived"/> on the event stream.
/// Packets never come here: the link's own threads carry data; only low-rate control frames become messages.
/// </summary>
public sealed class PeerLink : ReceiveActor, IWithTimers
{
    /// <summary>Most frames kept while the manager decides about a link (a hello and a route dump or two).</summary>
    private const int MaxHeldFrames = 64;

    private readonly PeerUri? _dial;
    private readonly LinkFactory? _factory;
    private readonly LinkTimers _timers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Random _random = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<ControlFrameReceived> _held = [];
    private Link? _link;
    private LinkHealth? _health;
    private CancellationTokenSource? _connecting;
    private int _attempt;
    private string? _lastError;
    private PeerState _state;

    public PeerLink(PeerUri? dial, LinkFactory? factory, Link? inbound, LinkTimers timers)
    {
        _dial = dial;
        _factory = factory;
        _timers = timers;
        if (inbound is not null)
        {
            Adopt(inbound);
        }
        else
        {
            BecomeConnecting();
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Outbound(PeerUri dial, LinkFactory factory, LinkTimers timers) =>
        Props.Create(() => new PeerLink(dial, factory, null, timers));

    public static Props Inbound(Link link, LinkTimers timers) => Props.Create(() => new PeerLink(null, null, link, timers));

    private long NowMicros => (long)_clock.Elapsed.TotalMicroseconds;

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _connecting?.Cancel();
        if (_link is { } link)
        {
            link.Close(CloseReason.Shutdown);
            Publish(new LinkDown(link.Peer, link, "peer removed or node stopping"));
        }
    }

    // ----- outbound: connecting and backing off -----

    private void BecomeConnecting()
    {
        _state = PeerState.Connecting;
        Report();
        _connecting = new CancellationTokenSource(_timers.ConnectTimeout);
        _factory!.ConnectAsync(_dial!, _connecting.Token).PipeTo(
            Self, success: link => new Connected(link), failure: error => new ConnectFailed(error));
        Become(() =>
        {
            Receive<Connected>(connected => Adopt(connected.Link));
            Receive<ConnectFailed>(failed => BackOff(Describe(failed.Error)));
        });
    }

    private void BackOff(string reason)
    {
        _lastError = reason;
        var delay = _timers.ReconnectDelay(_attempt++, _random);
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
        link.ControlHandler = OnControlFrame(Self);
        link.Closed.PipeTo(Self, success: info => new Lost(link, info.ToString()), failure: error => new Lost(link, error.Message));
        Context.Parent.Tell(new LinkEstablished(link.Peer, link));
        Become(() =>
        {
            Receive<LinkAccepted>(accepted => accepted.Link == _link, _ => BecomeUp());
            Receive<DropDuplicate>(drop => drop.Link == _link, _ => DropAsDuplicate());
            Receive<Lost>(lost => lost.Link == _link, lost => LinkGone(lost.Reason, announced: false));
            // A peer whose side is already up sends its hello and route dump at once (the manager forwards those that
            // came before this actor existed): keep them for BecomeUp, or the routes wait for the next periodic dump.
            Receive<ControlFrameReceived>(frame => frame.Link == _link && _held.Count < MaxHeldFrames, _held.Add);
            Receive<ControlFrameReceived>(_ => { });
        });
    }

    private void DropAsDuplicate()
    {
        var link = _link!;
        _link = null;
        _held.Clear();
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
        _attempt = 0;
        _lastError = null;
        _state = PeerState.Up;
        _health = new LinkHealth((long)_timers.DeadAfter.TotalMicroseconds);
        _health.Start(NowMicros);
        _log.Info("peer {0} up over {1} ({2})", link.Peer, link.RemoteEndPoint, link.Cipher);
        Publish(new LinkUp(link.Peer, link, _timers.HelloInterval));
        Context.System.EventStream.Subscribe(Self, typeof(RouteTableStarted));
        SendHello();
        Timers.StartPeriodicTimer("hello", HelloTick.Instance, _timers.HelloInterval);
        Report();
        Become(() =>
        {
            Receive<HelloTick>(_ => OnHelloTick());
            Receive<RouteTableStarted>(_ => Publish(new LinkUp(link.Peer, link, _health?.SmoothedRtt ?? _timers.HelloInterval)));
            Receive<ControlFrameReceived>(frame => frame.Link == _link, OnControl);
            Receive<Lost>(lost => lost.Link == _link, lost => LinkGone(lost.Reason, announced: true));
            Receive<DropDuplicate>(drop => drop.Link == _link, _ =>
            {
                Timers.Cancel("hello");
                Context.System.EventStream.Unsubscribe(Self, typeof(RouteTableStarted));
                Publish(new LinkDown(_link!.Peer, _link, "replaced by another link to the same peer"));
                _health = null;
                DropAsDuplicate();
            });
        });
        foreach (var frame in _held)
        {
            OnControl(frame);
        }

        _held.Clear();
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
            Publish(new LinkQualityChanged(link.Peer, link, rtt, _health.Loss));
        }

        Report();
    }

    private void SendHello()
    {
        Span<byte> payload = stackalloc byte[HelloPayload.Size];
        _health!.NextHello(NowMicros, _timers.HelloInterval).Write(payload);
        _link!.SendControl(FrameType.Hello, payload);
    }

    private void OnControl(ControlFrameReceived frame)
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
                Publish(new ControlReceived(link.Peer, link, frame.Payload));
                break;
            default:
                _health!.Heard(now);
                break;
        }
    }

    private void LinkGone(string reason, bool announced)
    {
        var link = _link!;
        _link = null;
        _held.Clear();
        _health = null;
        Timers.Cancel("hello");
        Context.System.EventStream.Unsubscribe(Self, typeof(RouteTableStarted));
        if (announced)
        {
            _log.Warning("peer {0} down: {1}", link.Peer, reason);
            Publish(new LinkDown(link.Peer, link, reason));
        }

        Context.Parent.Tell(new LinkEnded(link.Peer, link));
        if (_dial is null)
        {
            Context.Stop(Self);
        }
        else
        {
            BackOff(reason);
        }
    }

    /// <summary>
    /// News about a link this actor no longer holds (its loss, its late frames, the manager's verdict on it) is an
    /// expected race after a redial or a drop, not a fault: ignore it instead of logging it as unhandled.
    /// </summary>
    protected override void Unhandled(object message)
    {
        if (message is not (Lost or ControlFrameReceived or LinkAccepted or DropDuplicate or HelloTick))
        {
            base.Unhandled(message);
        }
    }

    private void Publish(object message) => Context.System.EventStream.Publish(message);

    private void Report() => Context.Parent.Tell(new PeerStatusReport(new PeerStatus(
        Self.Path.Name,
        _dial?.ToString() ?? (_link is { } inbound ? $"{inbound.Scheme}://{inbound.RemoteEndPoint}" : null),
        _link?.Peer.ToString() ?? _dial?.Pinned?.ToString(),
        _state,
        _dial is not null,
        _health?.SmoothedRtt?.TotalMilliseconds,
        _health?.Loss ?? 0,
        _lastError,
        _link?.Snapshot())));

    private static string Describe(Exception error) => error switch
    {
        AggregateException { InnerException: { } inner } => Describe(inner),
        OperationCanceledException => "connect timed out",
        _ => error.Message,
    };

    /// <summary>Runs on the link's reader thread: copy the payload, hand it to the actor.</summary>
    private static ControlFrameHandler OnControlFrame(IActorRef self) =>
        (link, type, payload) => self.Tell(new ControlFrameReceived(link, type, payload.ToArray()));

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
