using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Actors;
using MeshActors.Node.Links;
using MeshActors.Routing.Nat;

namespace MeshActors.Node.Nat;

/// <summary>
/// One hole-punching attempt towards one peer, child of <see cref="NatTraversalActor"/>: drives a pure
/// <see cref="PunchAttempt"/> every <see cref="TickInterval"/>, sends its probes from the node's shared UDP socket
/// (<see cref="UdpProbes"/>), takes the probes that carry its token, and, on the dialling side, runs the normal link
/// handshake (IK, the peer's key pinned) to where the peer's probe came from and hands the link to the
/// <see cref="PeerManager"/> like an accepted one. Ends (stops itself, telling its parent) when the attempt fails, or
/// when the parent reports a link to the peer up.
/// </summary>
public sealed class NatSession : ReceiveActor, IWithTimers
{
    /// <summary>The attempt's clock: 10 ms lets a 2,500 probes/s sweep go out in batches of 25.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(10);

    private readonly PublicIdentity _peer;
    private readonly UInt128 _token;
    private readonly PunchAttempt _attempt;
    private readonly UdpProbes _probes;
    private readonly LinkFactory _factory;
    private readonly TimeSpan _dialTimeout;
    private readonly IReadOnlySet<IPEndPoint> _own;
    private readonly List<PunchAction> _actions = [];
    private readonly Stopwatch _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public NatSession(
        PublicIdentity peer, UInt128 token, PunchAttempt attempt, Stopwatch clock, UdpProbes probes, LinkFactory factory, TimeSpan dialTimeout,
        IReadOnlySet<IPEndPoint> own)
    {
        _peer = peer;
        _token = token;
        _attempt = attempt;
        _clock = clock;
        _probes = probes;
        _factory = factory;
        _dialTimeout = dialTimeout;
        _own = own;
        Receive<Tick>(_ => Step(() => _attempt.Tick(_clock.ElapsedMilliseconds, _actions)));
        Receive<ProbeArrived>(arrived => Step(() => _attempt.ProbeReceived(arrived.From, _actions)));
        Receive<Dialled>(dialled => _log.Info("punched a direct path to {0} at {1}", _peer, dialled.At));
        Receive<DialFailed>(failed =>
        {
            _log.Debug("punch dial to {0} failed: {1}", _peer, failed.Reason);
            _attempt.DialFailed();
        });
        Receive<PeerLinked>(_ =>
        {
            _attempt.Linked();
            End();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        PublicIdentity peer, UInt128 token, PunchAttempt attempt, Stopwatch clock, UdpProbes probes, LinkFactory factory, TimeSpan dialTimeout,
        IReadOnlySet<IPEndPoint> own) =>
        Akka.Actor.Props.Create(() => new NatSession(peer, token, attempt, clock, probes, factory, dialTimeout, own));

    protected override void PreStart()
    {
        var self = Self;
        _probes.Expect(_token, from => self.Tell(new ProbeArrived(from)));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TickInterval);
        Self.Tell(Tick.Instance);
    }

    protected override void PostStop() => _probes.Forget(_token);

    private void Step(Action drive)
    {
        drive();
        foreach (var action in _actions)
        {
            switch (action)
            {
                case PunchAction.Probe probe:
                    _probes.Send(probe.To, _token);
                    break;
                case PunchAction.Dial dial when !_own.Contains(dial.To):
                    Dial(dial.To);
                    break;
                case PunchAction.Dial:
                    _attempt.DialFailed();
                    break;
            }
        }

        _actions.Clear();
        if (_attempt.State == PunchState.Failed)
        {
            End();
        }
    }

    private void Dial(IPEndPoint to)
    {
        var uri = PeerUri.PinnedUdp(to, _peer);
        var timeout = new CancellationTokenSource(_dialTimeout);
        var system = Context.System;
        _factory.ConnectAsync(uri, timeout.Token).ContinueWith(task =>
        {
            timeout.Dispose();
            if (!task.IsCompletedSuccessfully)
            {
                return (object)new DialFailed(task.Exception?.GetBaseException().Message ?? "timed out");
            }

            // Handed over here, not by this actor: a link that comes up after the attempt ended still gets its owner.
            if (!NodeRegistry.TryTell<PeerManager>(system, new AdoptLink(task.Result)))
            {
                task.Result.Close();
            }

            return new Dialled(to);
        }, TaskScheduler.Default).PipeTo(Self);
    }

    private void End()
    {
        Timers.CancelAll();
        Context.Parent.Tell(new SessionEnded(_peer, _token, _attempt.State == PunchState.Succeeded, _attempt.SweepProbes));
        Context.Stop(Self);
    }

    // A session stops while ticks, probes and dial results may still be on their way: those are expected, not
    // dead letters worth a log line.
    internal sealed record ProbeArrived(IPEndPoint From) : IDeadLetterSuppression;

    private sealed record Dialled(IPEndPoint At) : IDeadLetterSuppression;

    private sealed record DialFailed(string Reason) : IDeadLetterSuppression;

    private sealed record Tick : IDeadLetterSuppression
    {
        public static readonly Tick Instance = new();
    }
}

/// <summary>Parent → session: a link to the peer is up (punched, or dialled by the peer).</summary>
internal sealed record PeerLinked : IDeadLetterSuppression
{
    public static readonly PeerLinked Instance = new();
}

/// <summary>Session → parent: the attempt is over.</summary>
internal sealed record SessionEnded(PublicIdentity Peer, UInt128 Token, bool Succeeded, int SweepProbes);
