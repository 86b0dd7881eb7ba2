using System.Diagnostics;
using System.Globalization;
using MeshActors.Routing;
using MeshActors.Testing.Simulation;

namespace MeshActors.Benchmarks.Routing;

/// <summary>
/// Console scale run of the routing core (not a BenchmarkDotNet benchmark: one long simulated run per size).
/// For each node count: seeded random topology with average degree 6, every node announces its /64, run the
/// deterministic simulator until every node selected a route to every other node, then one more full update
/// interval for steady-state traffic. Reports virtual and wall time, control frames and bytes per node, and
/// routing state per route entry. Sizes whose projected memory exceeds what the machine has are skipped with
/// the projection that stopped them.
/// Usage: dotnet run -c Release --project tests/MeshActors.Benchmarks -- scale 1000 3000 10000
/// </summary>
public static class ScaleRunner
{
    /// <summary>Average degree of the random topologies (middle of the 4-8 range of the target meshes).</summary>
    private const double AverageDegree = 6;

    /// <summary>Convergence is checked this often in virtual time (100 ms: the resolution of the reported time).</summary>
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>Give up on a size after this much virtual time (5 min: far beyond any expected convergence).</summary>
    private static readonly TimeSpan ConvergenceLimit = TimeSpan.FromMinutes(5);

    /// <summary>Routing state per route entry assumed before the first size was measured (bytes, conservative).</summary>
    private const double DefaultBytesPerEntry = 80;

    /// <summary>Use at most this share of the memory the GC may use, leaving room for GC headroom and other work.</summary>
    private const double MemoryBudgetShare = 0.7;

    public static void Run(string[] sizes)
    {
        var bytesPerEntry = DefaultBytesPerEntry;
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Console.WriteLine($"routing scale run: {Environment.ProcessorCount} cores, {available / (1 << 20):N0} MiB available to the GC");
        foreach (var text in sizes.DefaultIfEmpty("1000"))
        {
            var nodes = int.Parse(text, CultureInfo.InvariantCulture);
            var projected = bytesPerEntry * nodes * (double)nodes * AverageDegree;
            if (projected > available * MemoryBudgetShare)
            {
                Console.WriteLine(
                    $"{nodes} nodes: skipped. The simulator holds every node's table in one process: {nodes:N0}² × {AverageDegree} " +
                    $"route entries × {bytesPerEntry:F0} B = {projected / (1L << 30):F1} GiB > {MemoryBudgetShare:P0} of {available / (1L << 30):F1} GiB. " +
                    $"A real node holds only its own table: {nodes:N0} × {AverageDegree} × {bytesPerEntry:F0} B = {nodes * AverageDegree * bytesPerEntry / (1 << 20):F1} MiB.");
                continue;
            }

            bytesPerEntry = RunOne(nodes);
        }
    }

    private static double RunOne(int nodes)
    {
        var edges = Topologies.SeededRandom(nodes, AverageDegree, seed: 42);
        GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var wall = Stopwatch.StartNew();
        var simulator = new NetworkSimulator(nodes, edges, new SimulatorOptions { Seed = 42 });
        simulator.Start();
        var converged = simulator.RunUntil(() => AllSelected(simulator), ConvergenceLimit, CheckEvery);
        var convergeWall = wall.Elapsed;
        var convergeVirtual = simulator.Now;
        var (framesAtConvergence, bytesAtConvergence) = TrafficTotals(simulator);

        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        var entries = simulator.Cores.Sum(core => core.RouteEntryCount);
        var bytesPerEntry = (memoryAfter - memoryBefore) / (double)entries;

        var interval = RoutingSettings.Default.Timers.UpdateInterval;
        simulator.RunFor(interval);
        var (framesAfter, bytesAfter) = TrafficTotals(simulator);
        var loop = nodes <= 3000 ? RoutingInvariants.FindLoop(simulator) ?? "none" : "not checked";

        Console.WriteLine($"{nodes} nodes, {edges.Count} links (avg degree {2.0 * edges.Count / nodes:F1}):");
        Console.WriteLine($"  converged: {converged} at {convergeVirtual.TotalSeconds:F1} s virtual, {convergeWall.TotalSeconds:F1} s wall");
        Console.WriteLine($"  until convergence per node: {framesAtConvergence / (double)nodes:F0} frames, {bytesAtConvergence / (double)nodes / 1024:F1} KiB " +
            $"({bytesAtConvergence / (double)nodes / nodes:F1} B per destination)");
        Console.WriteLine($"  steady state per node per {interval.TotalSeconds:F0} s update interval: {(framesAfter - framesAtConvergence) / (double)nodes:F0} frames, " +
            $"{(bytesAfter - bytesAtConvergence) / (double)nodes / 1024:F1} KiB ({(bytesAfter - bytesAtConvergence) / (double)nodes / nodes:F1} B per destination)");
        Console.WriteLine($"  route entries: {entries:N0} ({entries / (double)nodes:F0} per node); routing state {(memoryAfter - memoryBefore) / (1 << 20):N0} MiB = " +
            $"{bytesPerEntry:F1} B per route entry (GC.GetTotalMemory delta, all tables)");
        Console.WriteLine($"  forwarding loops: {loop}; total wall {wall.Elapsed.TotalSeconds:F1} s");
        return bytesPerEntry;
    }

    private static bool AllSelected(NetworkSimulator simulator)
    {
        foreach (var core in simulator.Cores)
        {
            if (core.SelectedCount < simulator.NodeCount - 1)
            {
                return false;
            }
        }

        return true;
    }

    private static (long Frames, long Bytes) TrafficTotals(NetworkSimulator simulator)
    {
        long frames = 0;
        long bytes = 0;
        foreach (var traffic in simulator.Traffic)
        {
            frames += traffic.Frames;
            bytes += traffic.Bytes;
        }

        return (frames, bytes);
    }
}
