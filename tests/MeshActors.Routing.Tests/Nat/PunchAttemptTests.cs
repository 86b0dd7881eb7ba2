using System.Net;
using MeshActors.Routing.Nat;

namespace MeshActors.Routing.Tests.Nat;

public sealed class PunchAttemptTests
{
    private static readonly IPEndPoint Lan = IPEndPoint.Parse("192.168.2.2:9651");
    private static readonly IPEndPoint Reflexive = IPEndPoint.Parse("203.0.113.1:9651");

    [Fact]
    public void Probes_every_candidate_each_interval_until_the_direct_phase_ends()
    {
        var attempt = new PunchAttempt(true, [Lan, Reflexive], [Reflexive], NatType.EndpointIndependent, NatType.EndpointIndependent, PunchSettings.Default, 1_000, new Random(1));
        var actions = new List<PunchAction>();

        attempt.Tick(1_000, actions);
        attempt.Tick(1_049, actions);
        Assert.Equal([new PunchAction.Probe(Lan), new PunchAction.Probe(Reflexive)], actions);
        attempt.Tick(1_050, actions);
        Assert.Equal(4, actions.Count);

        actions.Clear();
        attempt.Tick(1_000 + PunchSettings.Default.DirectPhaseMs, actions);
        Assert.Empty(actions);
        Assert.Equal(PunchState.Failed, attempt.State);
        Assert.False(attempt.Sweeps);
    }

    [Fact]
    public void The_dialler_dials_where_the_first_probe_came_from_and_again_only_after_a_failed_dial()
    {
        var attempt = new PunchAttempt(true, [Reflexive], [Reflexive], NatType.EndpointIndependent, NatType.EndpointIndependent, PunchSettings.Default, 0, new Random(1));
        var actions = new List<PunchAction>();

        attempt.ProbeReceived(Reflexive, actions);
        attempt.ProbeReceived(Reflexive, actions);
        Assert.Equal([new PunchAction.Dial(Reflexive)], actions);
        Assert.Equal(PunchState.Dialling, attempt.State);

        attempt.DialFailed();
        attempt.ProbeReceived(Reflexive, actions);
        Assert.Equal(2, actions.Count(a => a is PunchAction.Dial));

        attempt.Linked();
        Assert.Equal(PunchState.Succeeded, attempt.State);
        actions.Clear();
        attempt.Tick(100, actions);
        Assert.Empty(actions);
    }

    [Fact]
    public void The_listener_never_dials_and_answers_a_probe_from_a_new_source_at_once()
    {
        var attempt = new PunchAttempt(false, [Reflexive], [Reflexive], NatType.EndpointIndependent, NatType.Symmetric, PunchSettings.Default, 0, new Random(1));
        var actions = new List<PunchAction>();
        var chosen = IPEndPoint.Parse("203.0.113.1:47123");

        attempt.ProbeReceived(chosen, actions);

        Assert.Equal([new PunchAction.Probe(chosen)], actions);
        Assert.Equal(chosen, attempt.Path);
        Assert.Equal(PunchState.Punching, attempt.State);
        actions.Clear();
        attempt.Tick(0, actions);
        Assert.Contains(new PunchAction.Probe(chosen), actions);
    }

    [Fact]
    public void A_sweep_towards_a_symmetric_nat_keeps_its_rate_and_count_and_stops_once_a_probe_arrives()
    {
        var settings = PunchSettings.Default with { MaxSweepProbes = 3_000 };
        var attempt = new PunchAttempt(true, [Reflexive], [Reflexive], NatType.EndpointIndependent, NatType.Symmetric, settings, 0, new Random(7));
        var actions = new List<PunchAction>();
        Assert.True(attempt.Sweeps);

        for (var now = 0L; now <= 1_000; now += 20)
        {
            attempt.Tick(now, actions);
        }

        var swept = actions.OfType<PunchAction.Probe>().Where(p => !p.To.Equals(Reflexive)).ToList();
        Assert.InRange(swept.Count, settings.SweepProbesPerSecond - 50, settings.SweepProbesPerSecond);
        Assert.Equal(swept.Count, swept.Select(p => p.To.Port).Distinct().Count());
        Assert.All(swept, p => Assert.Equal(Reflexive.Address, p.To.Address));

        for (var now = 1_020L; now <= 3_000; now += 20)
        {
            attempt.Tick(now, actions);
        }

        Assert.Equal(settings.MaxSweepProbes, attempt.SweepProbes);

        var fresh = new PunchAttempt(true, [Reflexive], [Reflexive], NatType.EndpointIndependent, NatType.Symmetric, settings, 0, new Random(7));
        fresh.ProbeReceived(IPEndPoint.Parse("203.0.113.1:40000"), actions);
        fresh.Tick(500, actions);
        Assert.Equal(0, fresh.SweepProbes);
    }

    [Fact]
    public void Two_symmetric_nats_are_not_swept()
    {
        var attempt = new PunchAttempt(true, [Reflexive], [Reflexive], NatType.Symmetric, NatType.Symmetric, PunchSettings.Default, 0, new Random(1));

        Assert.False(attempt.Sweeps);
    }

    [Fact]
    public void A_port_sweep_visits_every_port_once()
    {
        var sweep = new PortSweep(new Random(3));
        var seen = new bool[65_536];
        while (sweep.TryNext(out var port))
        {
            Assert.InRange(port, PortSweep.FirstPort, 65_535);
            Assert.False(seen[port], $"port {port} twice");
            seen[port] = true;
        }

        Assert.Equal(PortSweep.PortCount, sweep.Taken);
        Assert.All(Enumerable.Range(PortSweep.FirstPort, PortSweep.PortCount), port => Assert.True(seen[port]));
    }
}
