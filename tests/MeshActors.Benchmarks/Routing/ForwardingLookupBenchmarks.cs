using BenchmarkDotNet.Attributes;
using MeshActors.Protocol.Routing;
using MeshActors.Routing;
using MeshActors.Testing.Simulation;

namespace MeshActors.Benchmarks.Routing;

/// <summary>
/// Longest-prefix match in a <see cref="ForwardingSnapshot"/> shaped like a large mesh: one /64 per node, a few
/// IPv4 prefixes, and a /16 covering the overlay. Measures the per-packet lookup plus per-flow next-hop choice.
/// Run: dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*ForwardingLookup*'
/// </summary>
[MemoryDiagnoser]
public class ForwardingLookupBenchmarks
{
    private readonly byte[] _overlayAddress = new byte[16];
    private readonly byte[] _ipv4Address = [10, 7, 1, 9];
    private ForwardingSnapshot _snapshot = ForwardingSnapshot.Empty;

    [Params(1_000, 10_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var entries = new List<ForwardingEntry>();
        for (var node = 0; node < Nodes; node++)
        {
            entries.Add(new ForwardingEntry(SimulatedIdentity.SubnetOf(node), 10, [new NeighbourId(node % 8), new NeighbourId((node + 1) % 8)]));
        }

        entries.Add(new ForwardingEntry(RoutePrefix.Parse("fd00::/16"), 10, [new NeighbourId(1)]));
        entries.Add(new ForwardingEntry(RoutePrefix.Parse("10.7.0.0/16"), 10, [new NeighbourId(2)]));
        entries.Add(new ForwardingEntry(RoutePrefix.Parse("10.0.0.0/8"), 10, [new NeighbourId(3)]));
        _snapshot = ForwardingSnapshot.Build(entries);
        SimulatedIdentity.SubnetOf(Nodes / 2).WriteNetworkBytes(_overlayAddress);
        _overlayAddress[15] = 1;
    }

    [Benchmark]
    public int LookupOverlay() =>
        _snapshot.TryLookup(_overlayAddress, out var entry) ? entry.SelectForFlow(0x1234_5678_9abc_def0UL).Value : -1;

    [Benchmark]
    public int LookupIpv4() =>
        _snapshot.TryLookup(_ipv4Address, out var entry) ? entry.NextHop.Value : -1;
}
