using System.Diagnostics;
using System.Text;
using Akka.Actor;
using MeshActors.Messaging.Api;
using MeshActors.Node.Messaging;

namespace MeshActors.Benchmarks.Messaging;

/// <summary>What one case measured: messages popped on the receiver, their bytes, and the time from first send to last pop.</summary>
internal sealed record BusThroughputResult(int Size, int Window, long Messages, TimeSpan Elapsed, long Refused)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    public double MebibytesPerSecond => Messages * (double)Size / (1 << 20) / Elapsed.TotalSeconds;
}

/// <summary>
/// One case: A asks its MessageBus actor to send <c>size</c>-byte messages to B, keeping at most <c>window</c> sent
/// but not yet popped, for <c>duration</c>; B pops each from its inbox through its MessageBus actor (take, or park
/// until one arrives). A send refused with 429 (in-flight table full) is retried and counted.
/// </summary>
internal static class BusThroughputMeasurement
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the receiver parks per wait; it re-checks whether the run is over between waits.</summary>
    private static readonly TimeSpan ParkTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait for the messages still in flight once sending stopped.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    public static async Task<BusThroughputResult> RunAsync(BusThroughputNode sender, BusThroughputNode receiver, int size, int window, TimeSpan duration)
    {
        var topic = Encoding.UTF8.GetBytes($"bench-{size}-{window}");
        var payload = new byte[size];
        Random.Shared.NextBytes(payload);
        var target = new MessageTarget(null, receiver.Address);
        using var slots = new SemaphoreSlim(window);
        var sent = 0L;
        var sendingDone = false;
        var clock = Stopwatch.StartNew();

        var popping = PopAllAsync(receiver.Bus, topic, size, slots, () => Volatile.Read(ref sendingDone) ? Interlocked.Read(ref sent) : long.MaxValue, clock);
        var request = new SendBusMessage(target, topic, payload, null, null);
        var refused = 0L;
        while (clock.Elapsed < duration)
        {
            await slots.WaitAsync();
            refused += await SendOneAsync(sender.Bus, request);
            Interlocked.Increment(ref sent);
        }

        Volatile.Write(ref sendingDone, true);
        var (popped, lastPop) = await popping.WaitAsync(DrainLimit);
        return new BusThroughputResult(size, window, popped, lastPop, refused);
    }

    /// <summary>Sends one message, retrying while the in-flight table is full; how often it was refused.</summary>
    private static async Task<long> SendOneAsync(IActorRef bus, SendBusMessage request)
    {
        for (var refused = 0L; ; refused++)
        {
            switch (await bus.Ask<SendAnswer>(request, AskTimeout))
            {
                case SendAccepted:
                    return refused;
                case SendRefused { StatusCode: 429 }:
                    await Task.Delay(1);
                    break;
                case var other:
                    throw new InvalidOperationException($"send failed: {other}");
            }
        }
    }

    /// <summary>Pops until <paramref name="expected"/> (known once sending stopped) messages came; the time of the last pop.</summary>
    private static async Task<(long Popped, TimeSpan LastPop)> PopAllAsync(
        IActorRef bus, byte[] topic, int size, SemaphoreSlim slots, Func<long> expected, Stopwatch clock)
    {
        var popped = 0L;
        var lastPop = TimeSpan.Zero;
        while (popped < expected())
        {
            var taken = await bus.Ask<TakeAnswer>(new TakeBusMessage(topic, false), AskTimeout);
            if (taken.Message is null)
            {
                await bus.Ask<WaitAnswer>(new WaitForBusMessage(topic, ParkTimeout), AskTimeout + ParkTimeout);
                continue;
            }

            if (taken.Message.Payload.Length != size)
            {
                throw new InvalidOperationException($"received {taken.Message.Payload.Length} bytes, sent {size}");
            }

            popped++;
            lastPop = clock.Elapsed;
            slots.Release();
        }

        return (popped, lastPop);
    }
}
