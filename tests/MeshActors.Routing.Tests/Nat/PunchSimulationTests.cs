using MeshActors.Routing.Nat;

namespace MeshActors.Routing.Tests.Nat;

/// <summary>The punch matrix on simulated home routers (<see cref="NatBox"/>): what links, and how fast.</summary>
public sealed class PunchSimulationTests
{
    [Theory]
    [InlineData(NatBehaviour.Cone, NatBehaviour.Cone)]
    [InlineData(NatBehaviour.None, NatBehaviour.Cone)]
    [InlineData(NatBehaviour.Cone, NatBehaviour.None)]
    public void Cone_nats_link_within_a_few_round_trips(NatBehaviour a, NatBehaviour b)
    {
        var simulation = new PunchSimulation(a, b, seed: 1);

        var linkedAt = simulation.Run(limitMs: 1_000);

        Assert.NotNull(linkedAt);
        Assert.InRange(linkedAt.Value, 2 * PunchSimulation.OneWayMs, 200);
        Assert.Equal(0, simulation.A.Attempt!.SweepProbes + simulation.B.Attempt!.SweepProbes);
        Assert.Equal(1, simulation.A.Dials);
        Assert.Equal(0, simulation.B.Dials);
    }

    [Theory]
    [InlineData(NatBehaviour.Symmetric, NatBehaviour.Cone, 1)]
    [InlineData(NatBehaviour.Symmetric, NatBehaviour.Cone, 2)]
    [InlineData(NatBehaviour.Cone, NatBehaviour.Symmetric, 3)]
    [InlineData(NatBehaviour.Cone, NatBehaviour.Symmetric, 4)]
    [InlineData(NatBehaviour.Symmetric, NatBehaviour.None, 5)]
    public void A_symmetric_nat_links_to_a_cone_by_the_port_sweep_within_30_seconds(NatBehaviour a, NatBehaviour b, int seed)
    {
        var simulation = new PunchSimulation(a, b, seed);

        var linkedAt = simulation.Run(limitMs: 30_000);

        Assert.NotNull(linkedAt);
        Assert.True(linkedAt <= 30_000);
        var sweeper = a == NatBehaviour.Symmetric ? simulation.B : simulation.A;
        Assert.InRange(sweeper.Attempt!.SweepProbes, 0, PortSweep.PortCount);
        Assert.Equal(PunchState.Succeeded, simulation.A.Attempt!.State);
        Assert.Equal(PunchState.Succeeded, simulation.B.Attempt!.State);
    }

    [Theory]
    [InlineData(NatBehaviour.Cone, NatBehaviour.Cone, 1)]
    [InlineData(NatBehaviour.Cone, NatBehaviour.None, 2)]
    public void Cone_nats_that_know_no_types_link_before_any_sweep(NatBehaviour a, NatBehaviour b, int seed)
    {
        var simulation = new PunchSimulation(a, b, seed, typesKnown: false);

        var linkedAt = simulation.Run(limitMs: 1_000);

        Assert.InRange(linkedAt ?? long.MaxValue, 0, 200);
        Assert.Equal(0, simulation.A.Attempt!.SweepProbes + simulation.B.Attempt!.SweepProbes);
    }

    [Theory]
    [InlineData(NatBehaviour.Symmetric, NatBehaviour.Cone, 11)]
    [InlineData(NatBehaviour.Cone, NatBehaviour.Symmetric, 12)]
    [InlineData(NatBehaviour.Symmetric, NatBehaviour.Cone, 13)]
    public void Symmetric_and_cone_that_know_no_types_link_by_the_sweep_after_the_direct_phase(NatBehaviour a, NatBehaviour b, int seed)
    {
        var simulation = new PunchSimulation(a, b, seed, typesKnown: false);

        var linkedAt = simulation.Run(limitMs: 30_000);

        Assert.InRange(linkedAt ?? long.MaxValue, PunchSettings.Default.DirectPhaseMs, 30_000);
    }

    [Fact]
    public void Two_symmetric_nats_that_know_no_types_sweep_in_vain_and_give_up_at_the_sweep_deadline()
    {
        var simulation = new PunchSimulation(NatBehaviour.Symmetric, NatBehaviour.Symmetric, seed: 3, typesKnown: false);

        Assert.Null(simulation.Run(limitMs: 60_000));
        Assert.Equal(PunchSettings.Default.SweepPhaseMs, simulation.NowMs);
        Assert.Equal(0, simulation.A.ProbesReceived + simulation.B.ProbesReceived);
    }

    [Fact]
    public void Two_symmetric_nats_give_up_after_the_direct_phase_without_sweeping()
    {
        var simulation = new PunchSimulation(NatBehaviour.Symmetric, NatBehaviour.Symmetric, seed: 1);

        var linkedAt = simulation.Run(limitMs: 60_000);

        Assert.Null(linkedAt);
        Assert.Equal(PunchState.Failed, simulation.A.Attempt!.State);
        Assert.Equal(PunchState.Failed, simulation.B.Attempt!.State);
        Assert.InRange(simulation.NowMs, PunchSettings.Default.DirectPhaseMs, PunchSettings.Default.DirectPhaseMs + 1);
        Assert.Equal(0, simulation.A.Attempt.SweepProbes + simulation.B.Attempt.SweepProbes);
        Assert.Equal(0, simulation.A.ProbesReceived + simulation.B.ProbesReceived);
    }
}
