using System.Net;

namespace MeshActors.Routing.Nat;

public enum PunchState
{
    /// <summary>Probing the peer's candidates (and sweeping its ports when its NAT is symmetric).</summary>
    Punching,

    /// <summary>A probe from the peer arrived and this side, the dialler, runs the handshake to where it came from.</summary>
    Dialling,

    /// <summary>A direct link to the peer is up.</summary>
    Succeeded,

    /// <summary>Out of time: traffic stays on the relayed path.</summary>
    Failed,
}

/// <summary>
/// One hole-punching attempt towards one peer, after both sides have exchanged candidate endpoints through the mesh.
/// Pure: time comes in as milliseconds, actions go out to a list (<see cref="PunchAction"/>), randomness is passed in.
/// <para>Both sides probe every candidate of the other every <see cref="PunchSettings.ProbeIntervalMs"/> from their
/// shared UDP socket: a probe leaving through a NAT opens (or refreshes) its mapping and lets the peer's answer in,
/// so once both have sent, probes cross. A probe that arrives names the path: the side with the smaller key (the
/// dialler) runs the link handshake to where it came from; the other side answers every new source with a probe so
/// the dialler learns the path too. When the peer's NAT is symmetric (a fresh port per destination) and this one is
/// not, the peer's single mapping towards this node sits on an unknown port: this side also sweeps the peer's
/// reflexive addresses over every port (<see cref="PortSweep"/>, <see cref="PunchSettings.SweepProbesPerSecond"/>, at
/// most <see cref="PunchSettings.MaxSweepProbes"/>), and the probe that hits opens this side's filter for the peer's
/// next probe. A peer whose type is unknown (a node that has heard from fewer than two neighbours beyond its NAT
/// cannot tell) is swept as well, but only after <see cref="PunchSettings.DirectPhaseMs"/> found no path. Two NATs
/// known to be symmetric are not swept (neither side's port is knowable): the attempt fails after the direct phase
/// and traffic stays relayed.</para>
/// </summary>
public sealed class PunchAttempt
{
    private readonly bool _dialler;
    private readonly PunchSettings _settings;
    private readonly List<IPEndPoint> _targets;
    private readonly IReadOnlyList<IPAddress> _sweepAddresses;
    private readonly PortSweep? _sweep;
    private readonly long _startMs;
    private readonly long _deadlineMs;
    private readonly long _sweepFromMs;
    private long _nextProbeMs;
    private int _sweepAddress;
    private int _sweepPort;

    /// <param name="dialler">True on the side with the smaller public key: it runs the handshake.</param>
    /// <param name="candidates">The peer's candidate endpoints (local, reflexive, IPv6 global).</param>
    /// <param name="reflexive">Those of them its neighbours see it from (the sweep's addresses).</param>
    public PunchAttempt(
        bool dialler, IReadOnlyList<IPEndPoint> candidates, IReadOnlyList<IPEndPoint> reflexive, NatType own, NatType peer,
        PunchSettings settings, long nowMs, Random random)
    {
        _dialler = dialler;
        _settings = settings;
        _targets = [.. candidates.Distinct()];
        _startMs = nowMs;
        _nextProbeMs = nowMs;
        // A peer of unknown type may be symmetric: swept too, but only once the direct phase found nothing.
        var sweep = own != NatType.Symmetric && (peer is NatType.Symmetric or NatType.Unknown) && reflexive.Count > 0;
        _sweepAddresses = sweep ? [.. reflexive.Select(r => r.Address).Distinct()] : [];
        _sweep = sweep ? new PortSweep(random) : null;
        _sweepFromMs = peer == NatType.Symmetric ? nowMs : nowMs + settings.DirectPhaseMs;
        // One side symmetric (or a side unknown): one of the two may sweep, and both wait for it.
        var swept = (own == NatType.Symmetric) != (peer == NatType.Symmetric) || own == NatType.Unknown || peer == NatType.Unknown;
        _deadlineMs = nowMs + (swept ? settings.SweepPhaseMs : settings.DirectPhaseMs);
    }

    public PunchState State { get; private set; } = PunchState.Punching;

    /// <summary>Where the peer's probes come from, once one arrived.</summary>
    public IPEndPoint? Path { get; private set; }

    public bool Sweeps => _sweep is not null;

    /// <summary>Sweep probes sent so far.</summary>
    public int SweepProbes { get; private set; }

    public long StartedMs => _startMs;

    public void Tick(long nowMs, ICollection<PunchAction> actions)
    {
        if (State is PunchState.Succeeded or PunchState.Failed)
        {
            return;
        }

        if (nowMs >= _deadlineMs)
        {
            State = PunchState.Failed;
            return;
        }

        if (nowMs >= _nextProbeMs)
        {
            foreach (var target in _targets)
            {
                actions.Add(new PunchAction.Probe(target));
            }

            _nextProbeMs = nowMs + _settings.ProbeIntervalMs;
        }

        if (_sweep is not null && Path is null && nowMs >= _sweepFromMs)
        {
            Sweep(nowMs, actions);
        }
    }

    /// <summary>A probe of this attempt arrived from <paramref name="from"/>.</summary>
    public void ProbeReceived(IPEndPoint from, ICollection<PunchAction> actions)
    {
        if (State is PunchState.Succeeded or PunchState.Failed)
        {
            return;
        }

        if (!_targets.Contains(from))
        {
            // The peer's mapping towards us (a port a symmetric NAT chose): keep it open from here on.
            _targets.Add(from);
            actions.Add(new PunchAction.Probe(from));
        }

        Path = from;
        if (_dialler && State == PunchState.Punching)
        {
            State = PunchState.Dialling;
            actions.Add(new PunchAction.Dial(from));
        }
    }

    /// <summary>The handshake failed (timed out): punch on, and dial again at the next probe.</summary>
    public void DialFailed()
    {
        if (State == PunchState.Dialling)
        {
            State = PunchState.Punching;
        }
    }

    /// <summary>A direct link to the peer is up (dialled here, or accepted from the peer's dial).</summary>
    public void Linked()
    {
        if (State != PunchState.Failed)
        {
            State = PunchState.Succeeded;
        }
    }

    /// <summary>Sends the sweep probes due by <paramref name="nowMs"/> at the configured rate, round robin over the
    /// peer's reflexive addresses for each port.</summary>
    private void Sweep(long nowMs, ICollection<PunchAction> actions)
    {
        var due = (int)Math.Min((nowMs - _sweepFromMs) * _settings.SweepProbesPerSecond / 1000, _settings.MaxSweepProbes) - SweepProbes;
        for (var i = 0; i < due; i++)
        {
            if (_sweepAddress == 0 && !_sweep!.TryNext(out _sweepPort))
            {
                return;
            }

            actions.Add(new PunchAction.Probe(new IPEndPoint(_sweepAddresses[_sweepAddress], _sweepPort)));
            _sweepAddress = (_sweepAddress + 1) % _sweepAddresses.Count;
            SweepProbes++;
        }
    }
}
