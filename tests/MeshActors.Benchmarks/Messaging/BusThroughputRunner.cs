using System.Globalization;
using Akka.Actor;
using MeshActors.Node.Messaging;

namespace MeshActors.Benchmarks.Messaging;

/// <summary>
/// Console run of the message bus end to end (not a BenchmarkDotNet benchmark): two whole nodes in this process,
/// default settings without TUN, B dialling A over loopback TCP; A's MessageBus actor sends, B's pops. Cases: 64 B
/// messages with the default in-flight limit as the window (messages/s), then 1 MiB messages (MiB/s) with 4 and with 64
/// in flight. CHUNKS and RESENT count chunk frames A sent and sent again, DROPPED the frames A's forwarder or B's bus
/// inlet dropped.
/// Usage: dotnet run -c Release --project tests/MeshActors.Benchmarks -- bus [SECONDS per case, default 10]
/// </summary>
public static class BusThroughputRunner
{
    private static readonly TimeSpan RouteLimit = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan CountersTimeout = TimeSpan.FromSeconds(5);

    /// <summary>(payload bytes, most messages sent but not yet popped); 64 is the default messages.max-in-flight.</summary>
    private static readonly (int Size, int Window)[] Cases = [(64, 64), (1 << 20, 4), (1 << 20, 64)];

    public static async Task RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10);
        await using var a = await BusThroughputNode.StartAsync();
        await using var b = await BusThroughputNode.StartAsync(a);
        await a.WaitForRouteAsync(b, RouteLimit);
        await b.WaitForRouteAsync(a, RouteLimit);
        Console.WriteLine($"message bus run: {Environment.ProcessorCount} cores, {duration.TotalSeconds:0} s per case, A → B over loopback TCP");
        Console.WriteLine($"{"SIZE",9} {"WINDOW",6} {"MESSAGES",9} {"SECONDS",7} {"MSG/s",9} {"MiB/s",8} {"429s",6} {"CHUNKS",9} {"RESENT",8} {"DROPPED",8}");
        foreach (var (size, window) in Cases)
        {
            var before = await CountersAsync(a, b);
            var result = await BusThroughputMeasurement.RunAsync(a, b, size, window, duration);
            var after = await CountersAsync(a, b);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Size(result.Size),9} {result.Window,6} {result.Messages,9} {result.Elapsed.TotalSeconds,7:0.00} {result.MessagesPerSecond,9:0} {result.MebibytesPerSecond,8:0.00} {result.Refused,6} " +
                $"{after.Chunks - before.Chunks,9} {after.Resent - before.Resent,8} {after.Dropped - before.Dropped,8}"));
        }
    }

    /// <summary>Chunks A sent and resent; frames dropped on the way, by A's forwarder (no route, ring or pool full) or
    /// B's bus inlet (CHUNKS, RESENT, DROPPED columns: what flow control did).</summary>
    private static async Task<(long Chunks, long Resent, long Dropped)> CountersAsync(BusThroughputNode a, BusThroughputNode b)
    {
        var sender = await a.Bus.Ask<BusCounters>(GetBusCounters.Instance, CountersTimeout);
        var receiver = await b.Bus.Ask<BusCounters>(GetBusCounters.Instance, CountersTimeout);
        return (sender.Outbound["chunks_sent"], sender.Outbound["chunks_resent"], sender.FramesDroppedBySink + receiver.FramesDroppedAtInlet);
    }

    private static string Size(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes} B";
}
