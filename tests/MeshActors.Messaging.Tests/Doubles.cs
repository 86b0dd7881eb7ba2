using MeshActors.Messaging;
using MeshActors.Messaging.Wire;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Tests;

/// <summary>Records every frame a core sends, copied, in order.</summary>
internal sealed class CapturingSink : IBusFrameSink
{
    public List<(RouterId Destination, byte[] Frame)> Frames { get; } = [];

    public void Send(RouterId destination, ReadOnlySpan<byte> plaintext) => Frames.Add((destination, plaintext.ToArray()));

    public IEnumerable<byte[]> OfKind(BusFrameKind kind) => Frames.Where(f => f.Frame[0] == (byte)kind).Select(f => f.Frame);

    public List<(RouterId Destination, byte[] Frame)> Take()
    {
        var taken = Frames.ToList();
        Frames.Clear();
        return taken;
    }
}

/// <summary>Ids 1, 2, 3… (or a fixed script) so tests can name messages.</summary>
internal sealed class SequentialIds(params ulong[] script) : IMessageIdSource
{
    private int _next;

    public ulong NextId() => _next < script.Length ? script[_next++] : (ulong)(++_next + 1000);
}

internal static class Nodes
{
    public static readonly RouterId Alice = new(1, 1, 1, 1);
    public static readonly RouterId Bob = new(2, 2, 2, 2);
    public static readonly RouterId Carol = new(3, 3, 3, 3);

    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Delivers every captured frame from <paramref name="from"/> to <paramref name="to"/>, in order, losslessly.</summary>
    public static void Pump(CapturingSink sink, RouterId from, MessageBusCore to, DateTimeOffset now, CapturingSink replies)
    {
        foreach (var (_, frame) in sink.Take())
        {
            to.Receive(from, frame, now, replies);
        }

        to.Inbound.FlushAcks(replies);
    }
}
