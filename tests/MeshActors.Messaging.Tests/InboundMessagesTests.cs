using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using MeshActors.Messaging.Wire;
using static MeshActors.Messaging.Tests.Nodes;

namespace MeshActors.Messaging.Tests;

public sealed class InboundMessagesTests
{
    private static readonly MessageBusSettings Settings = new();

    private readonly CapturingSink _toBob = new();
    private readonly CapturingSink _toAlice = new();

    private static MessageBusCore NewCore(MessageBusSettings? settings = null) => new(settings ?? Settings, new SequentialIds(10, 11, 12, 13));

    private static byte[] Chunk(ulong id, int index, int count, int total, int offset, int payload, ReadOnlySpan<byte> topic = default)
    {
        var buffer = new byte[BusFrameLayout.MaxFrameSize];
        var written = ChunkCodec.Write(buffer, id, index, count, total, offset, null, topic, new byte[payload]);
        return buffer[..written];
    }

    [Fact]
    public void Delivered_message_is_acked_complete_and_a_late_retransmit_is_re_acked_not_re_delivered()
    {
        var bob = NewCore();
        var frame = Chunk(7, 0, 1, 5, 0, 5);

        Assert.Equal(ChunkOutcome.Delivered, bob.Receive(Alice, frame, T0, _toAlice).Chunk);
        bob.Inbound.FlushAcks(_toAlice);
        Assert.Equal(ChunkOutcome.Duplicate, bob.Receive(Alice, frame, T0.AddSeconds(5), _toAlice).Chunk);
        bob.Inbound.FlushAcks(_toAlice);

        Assert.Equal(1, bob.Inbound.InboxCount);
        Assert.Equal(1, bob.Inbound.Counters[InboundOutcome.AlreadyDelivered]);
        var acks = _toAlice.OfKind(BusFrameKind.Ack).ToList();
        Assert.Equal(2, acks.Count);
        Assert.All(acks, a => Assert.True(AckCodec.TryRead(a, out var ack) == BusDecodeError.None && ack.Complete));
    }

    [Fact]
    public void The_same_id_from_another_sender_is_a_different_message()
    {
        var bob = NewCore();
        bob.Receive(Alice, Chunk(7, 0, 1, 5, 0, 5), T0, _toAlice);
        bob.Receive(Carol, Chunk(7, 0, 1, 5, 0, 5), T0, _toAlice);

        Assert.Equal(2, bob.Inbound.InboxCount);
    }

    [Fact]
    public void Delivered_ids_expire_after_retention()
    {
        var bob = NewCore(Settings with { DeliveredIdRetention = TimeSpan.FromMinutes(5) });
        var frame = Chunk(7, 0, 1, 5, 0, 5);
        bob.Receive(Alice, frame, T0, _toAlice);
        bob.Inbound.Pop(default, _toAlice);
        bob.Poll(T0.AddMinutes(5), _toAlice);

        Assert.Equal(ChunkOutcome.Delivered, bob.Receive(Alice, frame, T0.AddMinutes(5), _toAlice).Chunk);
    }

    [Fact]
    public void Oversized_message_is_refused_before_allocation_and_the_sender_aborts()
    {
        var settings = Settings with { MaxMessageSize = 1000, MaxInboxBytes = 1000, MaxReassemblyBytes = 1000 };
        var bob = NewCore(settings);

        Assert.Equal(ChunkOutcome.Refused, bob.Receive(Alice, Chunk(10, 0, 2, 2000, 0, 5), T0, _toAlice).Chunk);
        Assert.Equal(0, bob.Inbound.ReassemblyCount);
        Assert.Equal(1, bob.Inbound.Counters[InboundOutcome.RefusedTooLarge]);

        var alice = NewCore();
        alice.Outbound.Send(new SendRequest(Bob, new byte[2000]), T0);
        foreach (var (_, frame) in _toAlice.Take())
        {
            alice.Receive(Bob, frame, T0, _toBob);
        }

        var status = alice.Outbound.GetStatus(10)!;
        Assert.Equal((MessageState.Aborted, AbortReason.RefusedTooLarge), (status.State, status.Reason));
    }

    [Fact]
    public void Reassembly_count_and_byte_limits_drop_new_messages_unacked()
    {
        var bob = NewCore(Settings with { MaxReassemblies = 2, MaxMessageSize = 100, MaxInboxBytes = 100, MaxReassemblyBytes = 150 });
        bob.Receive(Alice, Chunk(1, 0, 2, 100, 0, 50), T0, _toAlice);

        Assert.Equal(ChunkOutcome.Dropped, bob.Receive(Alice, Chunk(2, 0, 2, 100, 0, 50), T0, _toAlice).Chunk);
        Assert.Equal(1, bob.Inbound.Counters[InboundOutcome.ReassemblyBytesFull]);
        bob.Receive(Alice, Chunk(3, 0, 2, 50, 0, 25), T0, _toAlice);
        Assert.Equal(ChunkOutcome.Dropped, bob.Receive(Alice, Chunk(4, 0, 2, 2, 0, 1), T0, _toAlice).Chunk);
        Assert.Equal(1, bob.Inbound.Counters[InboundOutcome.ReassemblyCountFull]);
        Assert.Equal(150, bob.Inbound.ReassemblyBytes);

        // Dropped chunks get no ack, so their senders retry later.
        bob.Inbound.FlushAcks(_toAlice);
        Assert.Equal([1UL, 3UL], _toAlice.OfKind(BusFrameKind.Ack).Select(a => { AckCodec.TryRead(a, out var ack); return ack.MessageId; }).Order());
    }

    [Fact]
    public void Inconsistent_totals_are_dropped_and_idle_reassemblies_discarded()
    {
        var bob = NewCore();
        bob.Receive(Alice, Chunk(1, 0, 2, 100, 0, 50), T0, _toAlice);
        Assert.Equal(ChunkOutcome.Dropped, bob.Receive(Alice, Chunk(1, 1, 3, 100, 50, 25), T0, _toAlice).Chunk);
        Assert.Equal(1, bob.Inbound.Counters[InboundOutcome.Inconsistent]);

        bob.Poll(T0 + Settings.ReassemblyIdleTimeout, _toAlice);
        Assert.Equal((0, 0L, 1L), (bob.Inbound.ReassemblyCount, bob.Inbound.ReassemblyBytes, bob.Inbound.Counters[InboundOutcome.Abandoned]));
    }

    [Fact]
    public void Sender_abort_frees_the_reassembly()
    {
        var bob = NewCore();
        bob.Receive(Alice, Chunk(1, 0, 2, 100, 0, 50), T0, _toAlice);
        var abort = new byte[BusFrameLayout.ControlFrameSize];
        ControlCodec.Write(abort, BusFrameKind.Abort, 1);
        bob.Receive(Alice, abort, T0, _toAlice);

        Assert.Equal(0, bob.Inbound.ReassemblyCount);
    }

    [Fact]
    public void Full_inbox_refuses_new_messages_keeps_old_ones_and_the_sender_sees_why()
    {
        var bob = NewCore(Settings with { MaxInboxMessages = 2 });
        var alice = NewCore();
        for (var i = 0; i < 3; i++)
        {
            alice.Outbound.Send(new SendRequest(Bob, new[] { (byte)i }), T0);
        }

        alice.Poll(T0, _toBob);
        Pump(_toBob, Alice, bob, T0, _toAlice);
        Pump(_toAlice, Bob, alice, T0, _toBob);

        Assert.Equal(2, bob.Inbound.InboxCount);
        Assert.Equal(1, bob.Inbound.Counters[InboundOutcome.RefusedInboxFull]);
        Assert.Equal([MessageState.Delivered, MessageState.Delivered, MessageState.Aborted], new ulong[] { 10, 11, 12 }.Select(id => alice.Outbound.GetStatus(id)!.State));
        Assert.Equal(AbortReason.RefusedInboxFull, alice.Outbound.GetStatus(12)!.Reason);
        Assert.Equal(new byte[] { 0 }, bob.Inbound.Pop(default, _toAlice)!.Payload);
    }

    [Fact]
    public void Topic_filter_peek_leaves_and_pop_takes_with_a_read_receipt()
    {
        var bob = NewCore();
        var alice = NewCore();
        alice.Outbound.Send(new SendRequest(Bob, "first"u8.ToArray()) { Topic = "news.sport"u8.ToArray() }, T0);
        alice.Outbound.Send(new SendRequest(Bob, "second"u8.ToArray()) { Topic = "chat"u8.ToArray() }, T0);
        alice.Poll(T0, _toBob);
        Pump(_toBob, Alice, bob, T0, _toAlice);
        Pump(_toAlice, Bob, alice, T0, _toBob);

        Assert.Equal("second"u8.ToArray(), bob.Inbound.Peek("ch"u8)!.Payload);
        Assert.Equal(2, bob.Inbound.InboxCount);
        Assert.Null(bob.Inbound.Peek("weather"u8));
        var popped = bob.Inbound.Pop("news"u8, _toAlice)!;
        Assert.Equal(("first", "news.sport"), (System.Text.Encoding.UTF8.GetString(popped.Payload), System.Text.Encoding.UTF8.GetString(popped.Topic)));
        Assert.Equal(Alice, popped.Sender);

        Assert.Equal(MessageState.Delivered, alice.Outbound.GetStatus(10)!.State);
        Pump(_toAlice, Bob, alice, T0, _toBob);
        Assert.Equal(MessageState.Read, alice.Outbound.GetStatus(10)!.State);
        Assert.Equal(MessageState.Delivered, alice.Outbound.GetStatus(11)!.State);
    }

    [Fact]
    public void Malformed_frames_are_counted_not_thrown()
    {
        var bob = NewCore();
        var outcome = bob.Receive(Alice, [1, 2, 3], T0, _toAlice);

        Assert.Equal((ReceiveKind.Malformed, BusDecodeError.Truncated), (outcome.Kind, outcome.Error));
        Assert.Equal(ReceiveKind.Malformed, bob.Receive(Alice, [], T0, _toAlice).Kind);
        Assert.Equal(2, bob.Inbound.Counters[InboundOutcome.Malformed]);
    }
}
