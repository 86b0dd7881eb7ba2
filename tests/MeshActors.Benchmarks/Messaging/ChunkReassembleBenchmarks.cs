using BenchmarkDotNet.Attributes;
using MeshActors.Messaging;
using MeshActors.Messaging.Sending;
using MeshActors.Protocol.Routing;

namespace MeshActors.Benchmarks.Messaging;

/// <summary>
/// One message through two bus cores in memory, no loss: send, chunk (default 1,120-byte frames), decode and
/// reassemble on the receiver, ack back (one ack per window, which opens the send window for the next chunks), pop
/// from the inbox (read receipt back). Throughput is Size / Mean; the
/// allocation column shows what one message costs beyond its payload copies (sender copy + reassembly buffer).
/// Run: dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*ChunkReassemble*'
/// </summary>
[MemoryDiagnoser]
public class ChunkReassembleBenchmarks
{
    private static readonly RouterId Alice = new(1, 1, 1, 1);
    private static readonly RouterId Bob = new(2, 2, 2, 2);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private MessageBusCore _alice = null!;
    private MessageBusCore _bob = null!;
    private ForwardingSink _toBob = null!;
    private ForwardingSink _toAlice = null!;
    private byte[] _payload = null!;

    [Params(1_024, 65_536, 1_048_576)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var settings = new MessageBusSettings();
        _alice = new MessageBusCore(settings, new CountingIds());
        _bob = new MessageBusCore(settings, new CountingIds());
        _toBob = new ForwardingSink(_bob, Alice);
        _toAlice = new ForwardingSink(_alice, Bob);
        _toBob.Reverse = _toAlice;
        _toAlice.Reverse = _toBob;
        _payload = new byte[Size];
        new Random(1).NextBytes(_payload);
    }

    [Benchmark]
    public int SendReassembleDeliver()
    {
        var sent = _alice.Outbound.Send(new SendRequest(Bob, _payload), Now);
        _alice.Outbound.Poll(Now, _toBob);
        while (_alice.Outbound.InFlightCount > 0)
        {
            // One round trip per pass: acks for the window just sent, then the chunks they let through.
            _bob.Inbound.FlushAcks(_toAlice);
            _alice.Outbound.Pump(Now, _toBob);
        }

        var message = _bob.Inbound.Pop(default, _toAlice)
            ?? throw new InvalidOperationException("message was not delivered");
        if (_alice.Outbound.GetStatus(sent.MessageId)?.State != MessageState.Read)
        {
            throw new InvalidOperationException("sender did not see the read receipt");
        }

        return message.Payload.Length;
    }

    /// <summary>
    /// Hands each frame straight to the other core (a different core, so no re-entrancy); whatever that core
    /// answers goes back through <see cref="Reverse"/>.
    /// </summary>
    private sealed class ForwardingSink(MessageBusCore target, RouterId from) : IBusFrameSink
    {
        public ForwardingSink Reverse { get; set; } = null!;

        public void Send(RouterId destination, ReadOnlySpan<byte> plaintext) => target.Receive(from, plaintext, Now, Reverse);
    }

    private sealed class CountingIds : IMessageIdSource
    {
        private ulong _next;

        public ulong NextId() => ++_next;
    }
}
