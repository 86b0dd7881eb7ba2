using System.Diagnostics;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Links;
using MeshActors.Protocol.Addressing;
using MeshActors.Protocol.Frames;

namespace MeshActors.Node.Tests.Links;

/// <summary>
/// Typed failures drive the peer manager's supervision of its PeerLinks: a peer the node can never dial is stopped
/// and shown failed, a lost link and an unexpected failure restart that one actor, which backs off before it dials
/// again. Dials go through a scripted <see cref="ILinkDialer"/>; the one real link runs over loopback TCP.
/// </summary>
public sealed class PeerLinkSupervisionTests : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Hellos are not answered (the far side never claims its link), so dead-after is long: only the test
    /// ends the link.</summary>
    private static readonly LinkTimers Timers = new(
        HelloInterval: TimeSpan.FromMilliseconds(200),
        DeadAfter: TimeSpan.FromMinutes(5),
        ReconnectMin: TimeSpan.FromMilliseconds(200),
        ReconnectMax: TimeSpan.FromSeconds(5),
        ConnectTimeout: TimeSpan.FromSeconds(10));

    /// <summary>The lowest backoff <see cref="LinkTimers.ReconnectDelay"/> may pick for <paramref name="attempt"/> (−20 % jitter).</summary>
    private static TimeSpan LeastDelay(int attempt) => Timers.ReconnectMin * Math.Pow(2, attempt) * 0.8;

    [Theory]
    [InlineData(typeof(PeerConfigurationException), "Stop")]
    [InlineData(typeof(LinkLostException), "Restart")]
    [InlineData(typeof(InvalidOperationException), "Restart")]
    [InlineData(typeof(NullReferenceException), "Restart")]
    public void Configuration_errors_stop_and_everything_else_restarts(Type failure, string directive)
    {
        Exception error = failure.Name switch
        {
            nameof(PeerConfigurationException) => new PeerConfigurationException(PeerUri.Parse("quic://127.0.0.1:9"), "no QUIC"),
            nameof(LinkLostException) => new LinkLostException("Remote (Shutdown): closed by the peer"),
            _ => (Exception)Activator.CreateInstance(failure, "failed")!,
        };

        Assert.Equal(directive, PeerLinkSupervision.Decide(error).ToString());
        Assert.Equal(directive, PeerLinkSupervision.Decide(new ActorInitializationException(ActorRefs.Nobody, "starting", error)).ToString());
    }

    [Fact]
    public async Task A_peer_the_node_can_never_dial_is_stopped_logged_once_and_shown_failed_until_removed()
    {
        await using var node = Open(listen: false);
        var errors = ErrorLog();
        var dialer = new ScriptedDialer((uri, _) => throw new TransportNotSupportedException($"{uri}: QUIC is not supported on this platform"));
        var manager = Sys.ActorOf(PeerManager.Props(node, [PeerUri.Parse("quic://127.0.0.1:9")], Timers, dialer: dialer));

        var failed = await WaitForPeerAsync(manager, p => p.State == PeerState.Failed);

        Assert.Contains("QUIC is not supported", failed.LastError);
        Assert.True(failed.Configured);
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection(manager.Path / failed.Name).ResolveOne(Patience));
        Assert.Equal(1, dialer.Calls);
        errors.ExpectMsg<Error>(e => e.Message.ToString()!.Contains("not retrying"), Patience);
        Assert.False(errors.HasMessages);

        var removed = await manager.Ask<PeerCommandResult>(new RemovePeer("quic://127.0.0.1:9"), Patience);
        Assert.True(removed.Succeeded);
        Assert.Empty((await manager.Ask<PeerList>(GetPeers.Instance, Patience)).Peers);
    }

    [Fact]
    public async Task A_lost_link_restarts_its_peer_actor_which_redials_with_exponential_backoff()
    {
        await using var far = Open(listen: true);
        await using var node = Open(listen: false);
        var accepted = new TaskCompletionSource<Link>(TaskCreationOptions.RunContinuationsAsynchronously);
        far.InboundLink += link => accepted.TrySetResult(link);
        var dialer = new ScriptedDialer(
            (uri, ct) => node.Factory.ConnectAsync(uri, ct),
            (_, _) => throw new LinkHandshakeException(HandshakeError.None, "connection refused", new SocketException((int)SocketError.ConnectionRefused)));
        var manager = Sys.ActorOf(PeerManager.Props(node, [FarUri(far)], Timers, dialer: dialer));
        await WaitForPeerAsync(manager, p => p.State == PeerState.Up);

        var lostAt = dialer.Clock.Elapsed;
        (await accepted.Task.WaitAsync(Patience)).Close(CloseReason.Shutdown);

        var backingOff = await WaitForPeerAsync(manager, _ => dialer.Calls >= 3);
        var calls = dialer.CallTimes;
        Assert.True(calls[1] - lostAt >= LeastDelay(0), $"first redial {calls[1] - lostAt} after the loss");
        Assert.True(calls[2] - calls[1] >= LeastDelay(1), $"second redial {calls[2] - calls[1]} after the first");
        backingOff = await WaitForPeerAsync(manager, p => p.State == PeerState.BackingOff && p.LastError == "connection refused");
        Assert.Equal(1, backingOff.Restarts);
        Assert.Equal(PeerState.BackingOff, backingOff.State);
    }

    [Fact]
    public async Task An_unexpected_failure_restarts_the_peer_actor_which_backs_off_then_links()
    {
        await using var far = Open(listen: true);
        far.InboundLink += _ => { }; // kept open, unclaimed (a node without subscriber closes what it accepts)
        await using var node = Open(listen: false);
        var errors = ErrorLog();
        var dialer = new ScriptedDialer(
            (_, _) => throw new InvalidOperationException("boom"),
            (uri, ct) => node.Factory.ConnectAsync(uri, ct));
        var manager = Sys.ActorOf(PeerManager.Props(node, [FarUri(far)], Timers, dialer: dialer));

        var up = await WaitForPeerAsync(manager, p => p.State == PeerState.Up);

        Assert.Equal(1, up.Restarts);
        Assert.Equal(2, dialer.Calls);
        Assert.True(dialer.CallTimes[1] - dialer.CallTimes[0] >= LeastDelay(0), $"redial {dialer.CallTimes[1] - dialer.CallTimes[0]} after the failure");
        errors.ExpectMsg<Error>(e => e.Cause is InvalidOperationException && e.Message.ToString()!.Contains("restarting"), Patience);
    }

    private static NodeLinks Open(bool listen) => NodeLinks.Open(
        NodeIdentity.Generate(),
        AdmissionPolicy.Open,
        new BufferPool(64, 4096),
        listen ? [new PeerUri(TransportKind.Tcp, "127.0.0.1", 0, null)] : [],
        new LinkOptions());

    private static PeerUri FarUri(NodeLinks far) => PeerUri.Parse($"tcp://127.0.0.1:{far.TcpEndPoints[0].Port}");

    private Akka.TestKit.TestProbe ErrorLog()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(Error));
        return probe;
    }

    private static async Task<PeerStatus> WaitForPeerAsync(IActorRef manager, Func<PeerStatus, bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var peers = (await manager.Ask<PeerList>(GetPeers.Instance, Patience)).Peers;
            if (peers.FirstOrDefault(condition) is { } match)
            {
                return match;
            }

            Assert.True(deadline.Elapsed < Patience, $"no peer matched; peers: {string.Join("; ", peers.Select(p => $"{p.Name} {p.State} restarts={p.Restarts} err={p.LastError}"))}");
            await Task.Delay(20);
        }
    }

    /// <summary>Answers dial N with step N of the script (the last step repeats) and notes when each dial came.</summary>
    private sealed class ScriptedDialer(params Func<PeerUri, CancellationToken, Task<Link>>[] script) : ILinkDialer
    {
        private readonly List<TimeSpan> _calls = [];

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public int Calls
        {
            get
            {
                lock (_calls)
                {
                    return _calls.Count;
                }
            }
        }

        public IReadOnlyList<TimeSpan> CallTimes
        {
            get
            {
                lock (_calls)
                {
                    return [.. _calls];
                }
            }
        }

        public Task<Link> ConnectAsync(PeerUri uri, CancellationToken ct)
        {
            int call;
            lock (_calls)
            {
                call = _calls.Count;
                _calls.Add(Clock.Elapsed);
            }

            try
            {
                return script[Math.Min(call, script.Length - 1)](uri, ct);
            }
            catch (Exception e)
            {
                return Task.FromException<Link>(e);
            }
        }
    }
}
