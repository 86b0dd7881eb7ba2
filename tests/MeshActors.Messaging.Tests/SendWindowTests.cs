using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using MeshActors.Messaging.Wire;
using MeshActors.Protocol.Routing;
using static MeshActors.Messaging.Tests.Nodes;

namespace MeshActors.Messaging.Tests;

/// <summary>Flow control of the sender: the per-destination window, loss detection, the retransmission timer.</summary>
public sealed class SendWindowTests
{
    private static readonly MessageBusSettings Settings = new();

    private static MessageBusCore NewCore(MessageBusSettings? settings = null) => new(settings ?? Settings, new SequentialIds(10, 11, 12, 13));

    private static byte[] AckOf(ulong id, int count, IEnumerable<int> received)
    {
        var bitmap = new ChunkBitmap(count);
        foreach (var index in received)
        {
            bitmap.Set(index);
        }

        var frame = new byte[Settings.MaxFrameSize];
        return frame[..AckCodec.WriteRanges(frame, id, bitmap)];
    }

    private static List<int> ChunkIndexes(IEnumerable<(RouterId Destination, byte[] Frame)> frames, ulong id) =>
        frames.Where(f => f.Frame[0] == (byte)BusFrameKind.Chunk)
            .Select(f => (ChunkCodec.TryRead(f.Frame, out var chunk), chunk.MessageId, chunk.Index))
            .Where(c => c.Item1 == BusDecodeError.None && c.MessageId == id)
            .Select(c => c.Index)
            .ToList();

    [Fact]
    public void The_first_poll_sends_the_initial_window_and_acks_grow_it_in_slow_start()
    {
        var core = NewCore();
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, Bytes(1 << 20, 1)), T0); // 959 chunks
        core.Poll(T0, sink);
        Assert.Equal(Enumerable.Range(0, 64), ChunkIndexes(sink.Take(), 10));
        Assert.Equal((64, 64, TimeSpan.FromMilliseconds(500)), core.Outbound.FlowOf(Bob));

        var at = T0.AddMilliseconds(10);
        core.Receive(Bob, AckOf(10, 959, Enumerable.Range(0, 64)), at, sink);
        core.Flush(at, sink);

        // +1 per chunk acked: 128, all of them new chunks. One 10 ms sample: SRTT + 4 × RTTVAR = 30 ms, floored at 200 ms.
        Assert.Equal(Enumerable.Range(64, 128), ChunkIndexes(sink.Take(), 10));
        Assert.Equal((128, 128, Settings.MinRetransmitInterval), core.Outbound.FlowOf(Bob));
    }

    [Fact]
    public void A_hole_in_the_acks_resends_only_the_missing_chunks_and_halves_the_window()
    {
        var core = NewCore();
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, Bytes(20 * 1094, 1)), T0); // 21 chunks, all inside the window
        core.Poll(T0, sink);
        Assert.Equal(21, ChunkIndexes(sink.Take(), 10).Count);

        var received = Enumerable.Range(0, 21).Except([5, 17]).ToList();
        core.Receive(Bob, AckOf(10, 21, received), T0.AddMilliseconds(10), sink);
        core.Flush(T0.AddMilliseconds(10), sink);
        Assert.Empty(sink.Take()); // 5 and 17 may still be on their way (reorder allowance)

        core.Flush(T0.AddMilliseconds(20), sink);
        Assert.Equal([5, 17], ChunkIndexes(sink.Take(), 10));
        Assert.Equal(32, core.Outbound.FlowOf(Bob)!.Value.Window); // 64 halved; the window never filled, so it did not grow
        Assert.Equal((1L, 0L, 2L), (core.Outbound.Counters[OutboundEvent.WindowReductions], core.Outbound.Counters[OutboundEvent.Timeouts], core.Outbound.Counters[OutboundEvent.ChunksResent]));

        core.Receive(Bob, AckOf(10, 21, Enumerable.Range(0, 21)), T0.AddMilliseconds(30), sink);
        Assert.Equal(MessageState.Delivered, core.Outbound.GetStatus(10)!.State);
        core.Poll(T0.AddSeconds(5), sink);
        Assert.Empty(sink.Frames);
    }

    [Fact]
    public void The_window_never_exceeds_max_send_window_and_the_receiver_inlet_never_overflows()
    {
        var settings = Settings with { MaxSendWindow = 300 };
        var simulation = new BusSimulation(new LossyChannel(new Random(1), 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(1), settings)
        {
            FramesPerStep = 200,
        };
        var ids = Enumerable.Range(0, 4).Select(i => (Alice, simulation.Send(Alice, Bob, Bytes(1 << 20, i)))).ToList();
        var peak = 0;
        for (var step = 0; step < 100_000 && simulation.Cores[Alice].Outbound.InFlightCount > 0; step++)
        {
            simulation.Step();
            peak = Math.Max(peak, simulation.Cores[Alice].Outbound.FlowOf(Bob)!.Value.InFlight);
            Assert.True(simulation.Cores[Alice].Outbound.FlowOf(Bob)!.Value.Window <= 300);
        }

        Assert.True(simulation.RunUntilFinished(ids, 10));
        Assert.Equal(300, peak);
        Assert.True(simulation.InletPeak <= 300, $"inlet peak {simulation.InletPeak}");
        Assert.Equal(4, simulation.Received.Count);
    }

    [Fact]
    public void Sixty_four_one_mebibyte_messages_pass_a_4096_frame_inlet_without_a_drop_timeout_or_window_reduction()
    {
        // The benchmark's bad case: before flow control, 64 × 959 chunks went out at once and overflowed the inlet.
        var simulation = new BusSimulation(new LossyChannel(new Random(1), 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(1), Settings)
        {
            FramesPerStep = 512,
        };
        var payloads = Enumerable.Range(0, 64).Select(i => Bytes(1 << 20, i)).ToList();
        var ids = payloads.Select(p => (Alice, simulation.Send(Alice, Bob, p))).ToList();

        Assert.True(simulation.RunUntilFinished(ids, 100_000));

        var counters = simulation.Cores[Alice].Outbound.Counters;
        Assert.Equal((0L, 0L, 0L), (simulation.InletDrops, counters[OutboundEvent.Timeouts], counters[OutboundEvent.WindowReductions]));
        Assert.True(simulation.InletPeak <= Settings.MaxSendWindow);
        Assert.Equal(64, simulation.Received.Count);
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(payloads[i], Assert.Single(simulation.Received, r => r.Message.Id == ids[i].Item2).Message.Payload);
        }

        // The receiver reassembles at most 32 MiB at once, so half the messages waited (parked) rather than having their
        // chunks dropped again and again: the only resends are the few chunks each sent before it was parked.
        Assert.Equal(64 * 959, counters[OutboundEvent.ChunksSent] - counters[OutboundEvent.ChunksResent]);
        Assert.InRange(counters[OutboundEvent.MessagesParked], 1, 64);
        Assert.InRange(counters[OutboundEvent.ChunksResent], 1, counters[OutboundEvent.MessagesParked] * 8);
    }

    [Fact]
    public void Without_acks_each_timeout_resends_one_chunk_not_every_unacked_one_and_backs_off()
    {
        var core = NewCore();
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, Bytes(20 * 1094, 1)), T0);
        core.Poll(T0, sink);
        Assert.Equal(21, sink.Take().Count);

        var resends = new List<double>();
        for (var ms = 0; ms <= 30_000; ms += 100)
        {
            core.Poll(T0.AddMilliseconds(ms), sink);
            var frames = sink.Take();
            if (frames.Count > 0)
            {
                Assert.Equal([0], ChunkIndexes(frames, 10));
                resends.Add(ms / 1000.0);
            }
        }

        // Timeout 0.5 s before any round trip, doubling to the 10 s cap: 0.5, 1.5, 3.5, 7.5, 15.5, 25.5.
        Assert.Equal([0.5, 1.5, 3.5, 7.5, 15.5, 25.5], resends);
        Assert.Equal((1, 1), (core.Outbound.FlowOf(Bob)!.Value.Window, core.Outbound.FlowOf(Bob)!.Value.InFlight));
        Assert.Equal(T0.AddSeconds(35.5), core.Outbound.NextWakeup);
    }

    [Fact]
    public void Progress_after_a_timeout_ends_the_backoff()
    {
        var core = NewCore();
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, Bytes(20 * 1094, 1)), T0);
        core.Poll(T0, sink);
        core.Poll(T0.AddMilliseconds(500), sink);
        core.Poll(T0.AddMilliseconds(1500), sink);
        Assert.Equal(TimeSpan.FromSeconds(2), core.Outbound.FlowOf(Bob)!.Value.RetransmitTimeout);

        core.Receive(Bob, AckOf(10, 21, [0]), T0.AddMilliseconds(1600), sink);
        Assert.Equal(TimeSpan.FromMilliseconds(500), core.Outbound.FlowOf(Bob)!.Value.RetransmitTimeout);
    }

    [Fact]
    public void The_deadline_aborts_a_message_still_waiting_for_its_window_on_time()
    {
        var core = NewCore();
        var sink = new CapturingSink();
        var deadline = T0.AddSeconds(3);
        core.Outbound.Send(new SendRequest(Bob, Bytes(1 << 20, 1)) { Deadline = deadline }, T0);
        var now = T0;
        while (core.Outbound.GetStatus(10)!.State == MessageState.Sending || now == T0)
        {
            core.Poll(now, sink);
            var next = core.Outbound.NextWakeup;
            if (next is null)
            {
                break;
            }

            Assert.True(next <= deadline);
            now = next.Value;
        }

        var status = core.Outbound.GetStatus(10)!;
        Assert.Equal((MessageState.Aborted, AbortReason.Expired), (status.State, status.Reason));
        Assert.Equal(deadline, now);
        Assert.True(status.ChunksSent < 959); // most chunks never left: the window held them back
        Assert.Single(sink.OfKind(BusFrameKind.Abort));
        Assert.Null(core.Outbound.NextWakeup);
    }

    [Fact]
    public void A_small_message_is_not_stuck_behind_a_large_one_to_the_same_peer()
    {
        var core = NewCore();
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, Bytes(1 << 20, 1)), T0);
        core.Outbound.Send(new SendRequest(Bob, Bytes(10, 2)), T0);
        core.Outbound.Send(new SendRequest(Bob, Bytes(3 * 1094, 3)), T0);
        core.Poll(T0, sink);

        var frames = sink.Take();
        Assert.Equal(64, frames.Count);
        Assert.Equal([0], ChunkIndexes(frames.Take(3), 11)); // round robin: big, small, medium, big, medium, …
        Assert.Equal([0, 1, 2, 3], ChunkIndexes(frames.Take(10), 12));
        Assert.Equal(64 - 1 - 4, ChunkIndexes(frames, 10).Count);
    }

    [Fact]
    public void Messages_the_receiver_has_no_room_for_are_parked_without_shrinking_the_window()
    {
        var simulation = new BusSimulation(
            new LossyChannel(new Random(1), 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(10), Settings, Settings with { MaxReassemblies = 1 });
        // One poll sends all three round robin (42 chunks, inside the window): Bob admits the 30-chunk message and
        // drops every chunk of the two 6-chunk ones, which then see later chunks acked but none of their own.
        var alice = simulation.Cores[Alice].Outbound;
        var ids = new[] { 1093 + (29 * 1094), 5 * 1094, 5 * 1094 }
            .Select((length, i) => (Alice, alice.Send(new SendRequest(Bob, Bytes(length, i)), simulation.Now).MessageId))
            .ToList();

        Assert.True(simulation.RunUntilFinished(ids, 1000));

        var counters = simulation.Cores[Alice].Outbound.Counters;
        Assert.Equal(3, simulation.Received.Count);
        Assert.True(counters[OutboundEvent.MessagesParked] >= 2);
        Assert.Equal((0L, 0L), (counters[OutboundEvent.WindowReductions], counters[OutboundEvent.Timeouts]));
        Assert.True(simulation.Cores[Bob].Inbound.Counters[InboundOutcome.ReassemblyCountFull] > 0);
    }

    [Fact]
    public void Destinations_have_separate_windows()
    {
        var core = NewCore(Settings with { InitialSendWindow = 8 });
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, Bytes(20 * 1094, 1)), T0);
        core.Outbound.Send(new SendRequest(Carol, Bytes(20 * 1094, 2)), T0);
        core.Poll(T0, sink);

        var frames = sink.Take();
        Assert.Equal(8, frames.Count(f => f.Destination == Bob));
        Assert.Equal(8, frames.Count(f => f.Destination == Carol));
    }
}
