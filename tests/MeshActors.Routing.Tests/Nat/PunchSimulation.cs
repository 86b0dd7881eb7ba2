using System.Net;
using MeshActors.Routing.Nat;

namespace MeshActors.Routing.Tests.Nat;

/// <summary>
/// Two peers, each behind its own <see cref="NatBox"/>, running <see cref="PunchAttempt"/>s against each other on a
/// simulated clock (1 ms steps, 5 ms one way between the routers). Their candidates are what a public node would see
/// (each NAT's mapping towards it) plus their LAN endpoints; the dialler's handshake is one datagram each way over
/// the same NATs.
/// </summary>
internal sealed class PunchSimulation
{
    public const long OneWayMs = 5;

    private static readonly IPEndPoint PublicNode = IPEndPoint.Parse("192.0.2.1:9651");

    private readonly List<(long AtMs, Side To, IPEndPoint From, int Port, Kind Kind)> _inFlight = [];

    /// <param name="typesKnown">False: both sides see their own and the peer's NAT type as unknown (one public node).</param>
    public PunchSimulation(NatBehaviour a, NatBehaviour b, int seed, PunchSettings? settings = null, bool typesKnown = true)
    {
        var random = new Random(seed);
        A = new Side("a", new NatBox(a, IPAddress.Parse("198.51.100.1"), random), IPEndPoint.Parse("192.168.1.2:9651"));
        B = new Side("b", new NatBox(b, IPAddress.Parse("203.0.113.1"), random), IPEndPoint.Parse("192.168.2.2:9651"));
        A.Peer = B;
        B.Peer = A;
        foreach (var (side, other) in new[] { (A, B), (B, A) })
        {
            var reflexive = other.Box.Outbound(other.Inner, PublicNode)!;
            side.Attempt = new PunchAttempt(
                dialler: side == A, [other.Inner, reflexive], [reflexive],
                typesKnown ? TypeOf(side.Box) : NatType.Unknown, typesKnown ? TypeOf(other.Box) : NatType.Unknown,
                settings ?? PunchSettings.Default, 0, random);
        }
    }

    private enum Kind
    {
        Probe,
        Init,
        Response,
    }

    public Side A { get; }

    public Side B { get; }

    public long NowMs { get; private set; }

    /// <summary>Steps until both sides are linked or either attempt has ended; returns the time the last side linked.</summary>
    public long? Run(long limitMs)
    {
        var actions = new List<PunchAction>();
        for (; NowMs <= limitMs; NowMs++)
        {
            foreach (var arrival in _inFlight.Where(f => f.AtMs <= NowMs).ToList())
            {
                _inFlight.Remove(arrival);
                Arrive(arrival.To, arrival.From, arrival.Port, arrival.Kind, actions);
            }

            foreach (var side in new[] { A, B })
            {
                side.Attempt!.Tick(NowMs, actions);
                Perform(side, actions);
            }

            if (A.LinkedAtMs is not null && B.LinkedAtMs is not null)
            {
                return Math.Max(A.LinkedAtMs.Value, B.LinkedAtMs.Value);
            }

            if (A.Attempt!.State == PunchState.Failed && B.Attempt!.State == PunchState.Failed)
            {
                return null;
            }
        }

        return null;
    }

    private static NatType TypeOf(NatBox box) => box.Behaviour switch
    {
        NatBehaviour.None => NatType.None,
        NatBehaviour.Cone => NatType.EndpointIndependent,
        _ => NatType.Symmetric,
    };

    private void Perform(Side side, List<PunchAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case PunchAction.Probe probe:
                    side.ProbesSent++;
                    Send(side, probe.To, Kind.Probe);
                    break;
                case PunchAction.Dial dial:
                    side.Dials++;
                    Send(side, dial.To, Kind.Init);
                    break;
            }
        }

        actions.Clear();
    }

    /// <summary>From <paramref name="side"/>'s inner endpoint to <paramref name="to"/>: out through its NAT now, in
    /// through the other's when it arrives (the other's filter is asked then).</summary>
    private void Send(Side side, IPEndPoint to, Kind kind)
    {
        var other = side.Peer!;
        var source = side.Box.Outbound(side.Inner, to);
        if (source is not null && to.Address.Equals(other.Box.PublicAddress))
        {
            _inFlight.Add((NowMs + OneWayMs, other, source, to.Port, kind));
        }

        // Else a LAN address of the other side, unreachable from here: lost.
    }

    private void Arrive(Side side, IPEndPoint from, int port, Kind kind, List<PunchAction> actions)
    {
        if (side.Box.Inbound(from, port) is not { } inner || !inner.Equals(side.Inner))
        {
            side.Dropped++;
            return;
        }

        switch (kind)
        {
            case Kind.Probe:
                side.ProbesReceived++;
                side.Attempt!.ProbeReceived(from, actions);
                Perform(side, actions);
                break;
            case Kind.Init:
                Send(side, from, Kind.Response);
                Link(side);
                break;
            case Kind.Response:
                Link(side);
                break;
        }
    }

    private void Link(Side side)
    {
        side.LinkedAtMs ??= NowMs;
        side.Attempt!.Linked();
    }

    internal sealed class Side(string name, NatBox box, IPEndPoint inner)
    {
        public string Name { get; } = name;

        public NatBox Box { get; } = box;

        public IPEndPoint Inner { get; } = inner;

        public Side? Peer { get; set; }

        public PunchAttempt? Attempt { get; set; }

        public long? LinkedAtMs { get; set; }

        public int ProbesSent { get; set; }

        public int ProbesReceived { get; set; }

        public int Dials { get; set; }

        public int Dropped { get; set; }

        public override string ToString() => Name;
    }
}
