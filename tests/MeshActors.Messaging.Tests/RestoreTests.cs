using MeshActors.Messaging.Persistence;
using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using MeshActors.Messaging.Wire;
using static MeshActors.Messaging.Tests.Nodes;

namespace MeshActors.Messaging.Tests;

/// <summary>A core captured mid-transfer and restored into a fresh core keeps the bus's promises.</summary>
public sealed class RestoreTests
{
    private readonly CapturingSink _toBob = new();
    private readonly CapturingSink _toAlice = new();
    private readonly MessageBusSettings _settings = new();

    [Fact]
    public void Sender_restored_mid_message_completes_it_and_the_receiver_delivers_it_once()
    {
        var alice = new MessageBusCore(_settings, new SequentialIds(7));
        var bob = new MessageBusCore(_settings, new SequentialIds());
        var payload = Bytes(200_000, 1);
        var id = alice.Outbound.Send(new SendRequest(Bob, payload) { Topic = "t"u8.ToArray() }, T0).MessageId;
        alice.Poll(T0, _toBob);

        // Half the first burst arrives and is acked; then Alice "crashes" with the acks of the rest unknown to her.
        var burst = _toBob.Take();
        foreach (var (_, frame) in burst.Take(burst.Count / 2))
        {
            bob.Receive(Alice, frame, T0, _toAlice);
        }

        bob.Inbound.FlushAcks(_toAlice);
        Pump(_toAlice, Bob, alice, T0, _toBob);
        var state = alice.Capture();
        Assert.Equal(id, Assert.Single(state.Outbound).Id);

        var restarted = new MessageBusCore(_settings, new SequentialIds());
        var report = restarted.Restore(state, T0.AddSeconds(1));
        Assert.Equal(1, report.Outbound);
        Assert.Equal(MessageState.Sending, restarted.Outbound.GetStatus(id)!.State);

        for (var step = 1; step < 200 && restarted.Outbound.GetStatus(id)!.State == MessageState.Sending; step++)
        {
            var now = T0.AddSeconds(1 + (step * 0.1));
            restarted.Poll(now, _toBob);
            Pump(_toBob, Alice, bob, now, _toAlice);
            foreach (var (_, frame) in _toAlice.Take())
            {
                restarted.Receive(Bob, frame, now, _toBob);
            }

            restarted.Flush(now, _toBob);
        }

        Assert.Equal(MessageState.Delivered, restarted.Outbound.GetStatus(id)!.State);
        Assert.Equal(payload, bob.Inbound.Pop(default, _toAlice)!.Payload);
        Assert.Null(bob.Inbound.Pop(default, _toAlice));
        Assert.Equal(1, bob.Inbound.Counters[InboundOutcome.Delivered]);
    }

    [Fact]
    public void Receiver_that_forgot_a_half_reassembled_message_gets_its_chunks_again()
    {
        var alice = new MessageBusCore(_settings, new SequentialIds(3));
        var bob = new MessageBusCore(_settings, new SequentialIds());
        var payload = Bytes(200_000, 2);
        var id = alice.Outbound.Send(new SendRequest(Bob, payload), T0).MessageId;
        alice.Poll(T0, _toBob);
        var burst = _toBob.Take();
        foreach (var (_, frame) in burst.Take(burst.Count / 2))
        {
            bob.Receive(Alice, frame, T0, _toAlice);
        }

        bob.Inbound.FlushAcks(_toAlice);
        Pump(_toAlice, Bob, alice, T0, _toBob);

        // Bob restarts: his snapshot has no reassemblies, so the chunks Alice saw acknowledged are gone.
        bob = new MessageBusCore(_settings, new SequentialIds());
        bob.Restore(new MessageBusCore(_settings, new SequentialIds()).Capture(), T0);
        for (var step = 1; step < 400 && alice.Outbound.GetStatus(id)!.State == MessageState.Sending; step++)
        {
            var now = T0.AddSeconds(step * 0.1);
            alice.Poll(now, _toBob);
            Pump(_toBob, Alice, bob, now, _toAlice);
            foreach (var (_, frame) in _toAlice.Take())
            {
                alice.Receive(Bob, frame, now, _toBob);
            }

            alice.Flush(now, _toBob);
        }

        Assert.Equal(MessageState.Delivered, alice.Outbound.GetStatus(id)!.State);
        Assert.True(alice.Outbound.Counters[OutboundEvent.ChunksForgotten] > 0);
        Assert.Equal(payload, bob.Inbound.Pop(default, _toAlice)!.Payload);
        Assert.Null(bob.Inbound.Pop(default, _toAlice));
    }

    [Fact]
    public void Restored_inbox_keeps_messages_and_refuses_to_deliver_them_again()
    {
        var alice = new MessageBusCore(_settings, new SequentialIds(9));
        var bob = new MessageBusCore(_settings, new SequentialIds());
        var id = alice.Outbound.Send(new SendRequest(Bob, "hello"u8.ToArray()), T0).MessageId;
        alice.Poll(T0, _toBob);
        var chunk = _toBob.Take().Single().Frame;
        bob.Receive(Alice, chunk, T0, _toAlice);

        var restarted = new MessageBusCore(_settings, new SequentialIds());
        var report = restarted.Restore(bob.Capture(), T0.AddSeconds(1));

        Assert.Equal((1, 1), (report.Inbox, report.Delivered));
        Assert.Equal(ChunkOutcome.Duplicate, restarted.Receive(Alice, chunk, T0.AddSeconds(2), _toAlice).Chunk);
        Assert.Equal("hello"u8.ToArray(), restarted.Inbound.Pop(default, _toAlice)!.Payload);
        Assert.Null(restarted.Inbound.Pop(default, _toAlice));
        Assert.Equal(id, _toAlice.OfKind(BusFrameKind.Read).Select(f => System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(f.AsSpan(2))).Single());
    }

    [Fact]
    public void Completing_ack_waits_until_the_delivery_is_saved()
    {
        var alice = new MessageBusCore(_settings, new SequentialIds(5));
        var bob = new MessageBusCore(_settings, new SequentialIds()) { Inbound = { HoldCompletionAcks = true } };
        var id = alice.Outbound.Send(new SendRequest(Bob, "x"u8.ToArray()), T0).MessageId;
        alice.Poll(T0, _toBob);
        Pump(_toBob, Alice, bob, T0, _toAlice);

        Assert.True(bob.Inbound.HasUnsaved);
        Assert.Empty(_toAlice.OfKind(BusFrameKind.Ack));

        bob.Inbound.ReleaseSaved();
        bob.Inbound.FlushAcks(_toAlice);
        Pump(_toAlice, Bob, alice, T0, _toBob);
        Assert.Equal(MessageState.Delivered, alice.Outbound.GetStatus(id)!.State);
    }

    [Fact]
    public void Restore_leaves_out_expired_malformed_and_duplicate_entries()
    {
        var good = new PendingOutbound(1, Bob.ToBytes(), [], [1, 2], false, 0, T0.UtcTicks, T0.AddMinutes(5).UtcTicks, [0]);
        var state = new BusState(
            [
                good,
                good with { Id = 2, DeadlineTicks = T0.AddSeconds(1).UtcTicks },
                good with { Id = 3, Destination = [1, 2, 3] },
                good with { Id = 4, AckedChunks = [0, 0] },
                good with { Id = 5, Payload = null! },
                null!,
                good,
            ],
            [new StoredInbound(new byte[5], 1, [], [], false, 0, T0.UtcTicks)],
            [new DeliveredMark(Alice.ToBytes(), 1, T0.UtcTicks)]);

        var report = new MessageBusCore(_settings, new SequentialIds()).Restore(state, T0.AddSeconds(2));

        Assert.Equal(new BusRestoreReport(1, 0, 0, 2, 6, 0), report);
    }
}
