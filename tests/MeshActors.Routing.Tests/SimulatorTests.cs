using MeshActors.Testing.Simulation;

namespace MeshActors.Routing.Tests;

public sealed class SimulatorTests
{
    /// <summary>
    /// Documented reroute bound after cutting a link of a ring of n nodes: the link layer needs 4 s (4 missed 1 s
    /// hellos) to declare the link dead; then three waves cross at most n/2 hops each, with no coalescing delay
    /// because retractions, seqno increases and recovered routes are urgent: retractions out to the node whose
    /// route already goes the other way, the seqno request on to the originator, and the originator's new seqno
    /// back. With one-way latency ≤ 40 ms: 4 s + 3 × n/2 × 40 ms, plus the 100 ms convergence-check step.
    /// Measured for n = 16: 4.53-4.68 s against a bound of 5.06 s (n = 32: 5.34-5.46 s against 6.02 s).
    /// </summary>
    private static TimeSpan RerouteBound(int ringSize) =>
        RoutingSettings.Default.Timers.LinkDeadAfter + (3 * (ringSize / 2) * new SimulatorOptions().MaxLatency) + CheckEvery;

    private static readonly TimeSpan ConvergenceLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(100);

    public static TheoryData<string> Shapes => ["line", "ring", "grid", "geometric", "random"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Topology_converges_without_loops(string shape)
    {
        var (nodes, edges) = Build(shape, seed: 3);
        var simulator = new NetworkSimulator(nodes, edges, new SimulatorOptions { Seed = 3 });
        simulator.Start();

        Assert.True(ConvergeWithoutLoops(simulator), string.Join("; ", RoutingInvariants.ConvergenceViolations(simulator)));
        Assert.True(simulator.Now < TimeSpan.FromSeconds(5), $"converged only at {simulator.Now}");
    }

    [Fact]
    public void Cutting_a_ring_link_reroutes_every_route_within_the_bound()
    {
        var simulator = new NetworkSimulator(16, Topologies.Ring(16), new SimulatorOptions { Seed = 5 });
        simulator.Start();
        Assert.True(ConvergeWithoutLoops(simulator));

        simulator.Cut(0, 1);
        var cutAt = simulator.Now;
        Assert.True(ConvergeWithoutLoops(simulator), string.Join("; ", RoutingInvariants.ConvergenceViolations(simulator)));

        Assert.True(simulator.Now - cutAt <= RerouteBound(16), $"rerouted after {simulator.Now - cutAt}");
        Assert.Equal(SimulatedIdentity.SubnetOf(15), SelectedPrefix(simulator, 0, 15));
        Assert.True(simulator.Cores[0].TryGetSelectedRoute(SimulatedIdentity.SubnetOf(1), out var route));
        Assert.Equal(15, route.NextHop.Value);
    }

    [Fact]
    public void Partition_retracts_and_heal_restores()
    {
        var simulator = new NetworkSimulator(12, Topologies.Ring(12), new SimulatorOptions { Seed = 9 });
        simulator.Start();
        Assert.True(ConvergeWithoutLoops(simulator));

        simulator.Cut(0, 1);
        simulator.Cut(6, 7);
        Assert.True(ConvergeWithoutLoops(simulator), string.Join("; ", RoutingInvariants.ConvergenceViolations(simulator)));
        Assert.False(simulator.Cores[0].TryGetSelectedRoute(SimulatedIdentity.SubnetOf(3), out _));

        simulator.Heal(6, 7);
        Assert.True(ConvergeWithoutLoops(simulator), string.Join("; ", RoutingInvariants.ConvergenceViolations(simulator)));
        Assert.True(simulator.Cores[0].TryGetSelectedRoute(SimulatedIdentity.SubnetOf(3), out _));
    }

    [Fact]
    public void Random_topologies_with_random_cuts_heals_and_loss_never_loop()
    {
        for (var seed = 1; seed <= 12; seed++)
        {
            var random = new Random(seed);
            var nodes = random.Next(8, 30);
            var edges = seed % 2 == 0
                ? Topologies.SeededRandom(nodes, 4 + (random.NextDouble() * 2), seed)
                : Topologies.RandomGeometric(nodes, 4, seed);
            var simulator = new NetworkSimulator(nodes, edges, new SimulatorOptions { Seed = seed, LossRate = seed % 3 == 0 ? 0.05 : 0 });
            simulator.Start();
            var cut = new List<(int A, int B)>();
            for (var step = 0; step < 25; step++)
            {
                if (cut.Count > 0 && random.Next(3) == 0)
                {
                    var healed = cut[random.Next(cut.Count)];
                    cut.Remove(healed);
                    simulator.Heal(healed.A, healed.B);
                }
                else
                {
                    var edge = edges[random.Next(edges.Count)];
                    cut.Add(edge);
                    simulator.Cut(edge.A, edge.B);
                }

                // Walk through the transient in small steps, checking loop freedom all along.
                var until = simulator.Now + TimeSpan.FromMilliseconds(random.Next(100, 8000));
                while (simulator.Now < until)
                {
                    simulator.RunFor(TimeSpan.FromMilliseconds(50));
                    Assert.Null(RoutingInvariants.FindLoop(simulator));
                }
            }

            // Lossy runs repair through full dumps and request resends, so give them several dump intervals.
            Assert.True(
                simulator.RunUntil(() => RoutingInvariants.IsConverged(simulator), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(1)),
                $"seed {seed}: " + string.Join("; ", RoutingInvariants.ConvergenceViolations(simulator)));
            Assert.Null(RoutingInvariants.FindLoop(simulator));
        }
    }

    private static bool ConvergeWithoutLoops(NetworkSimulator simulator) =>
        simulator.RunUntil(
            () => RoutingInvariants.FindLoop(simulator) is null ? RoutingInvariants.IsConverged(simulator) : throw new Xunit.Sdk.XunitException(RoutingInvariants.FindLoop(simulator)),
            ConvergenceLimit,
            CheckEvery);

    private static Protocol.Routing.RoutePrefix SelectedPrefix(NetworkSimulator simulator, int node, int destination)
    {
        Assert.True(simulator.Cores[node].TryGetSelectedRoute(SimulatedIdentity.SubnetOf(destination), out var route));
        return route.Prefix;
    }

    private static (int Nodes, List<(int A, int B)> Edges) Build(string shape, int seed) => shape switch
    {
        "line" => (12, Topologies.Line(12)),
        "ring" => (16, Topologies.Ring(16)),
        "grid" => (36, Topologies.Grid(6, 6)),
        "geometric" => (60, Topologies.RandomGeometric(60, 6, seed)),
        _ => (80, Topologies.SeededRandom(80, 6, seed)),
    };
}
