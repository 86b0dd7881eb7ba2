using System.Globalization;

namespace MeshActors.Benchmarks.Messaging;

/// <summary>
/// Console run of the message bus end to end (not a BenchmarkDotNet benchmark): two whole nodes in this process,
/// default settings without TUN, B dialling A over loopback TCP; A's MessageBus actor sends, B's pops. Cases: 64 B
/// messages with the default in-flight limit as the window (messages/s), then 1 MiB messages (MiB/s).
/// Usage: dotnet run -c Release --project tests/MeshActors.Benchmarks -- bus [SECONDS per case, default 10]
/// </summary>
public static class BusThroughputRunner
{
    private static readonly TimeSpan RouteLimit = TimeSpan.FromSeconds(30);

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
        Console.WriteLine($"{"SIZE",9} {"WINDOW",6} {"MESSAGES",9} {"SECONDS",7} {"MSG/s",9} {"MiB/s",8} {"429s",6}");
        foreach (var (size, window) in Cases)
        {
            var result = await BusThroughputMeasurement.RunAsync(a, b, size, window, duration);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Size(result.Size),9} {result.Window,6} {result.Messages,9} {result.Elapsed.TotalSeconds,7:0.00} {result.MessagesPerSecond,9:0} {result.MebibytesPerSecond,8:0.00} {result.Refused,6}"));
        }
    }

    private static string Size(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes} B";
}
