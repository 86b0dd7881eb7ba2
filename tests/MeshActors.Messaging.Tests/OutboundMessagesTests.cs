using MeshActors.Messaging.Sending;
using MeshActors.Messaging.Wire;
using static MeshActors.Messaging.Tests.Nodes;

namespace MeshActors.Messaging.Tests;

public sealed class OutboundMessagesTests
{
    private static readonly MessageBusSettings Settings = new();

    private static MessageBusCore NewCore(MessageBusSettings? settings = null) => new(settings ?? Settings, new SequentialIds(10, 11, 12));

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(1093, 0, 1)]
    [InlineData(1094, 0, 2)]
    [InlineData(1083, 10, 1)]
    [InlineData(1 << 20, 0, 959)]
    public void Chunking_fills_frames_and_covers_every_byte(int length, int topicLength, int expectedChunks)
    {
        // A window as large as the message, so the first poll sends every chunk (flow control is tested in SendWindowTests).
        var core = NewCore(Settings with { InitialSendWindow = Settings.MaxSendWindow });
        var sink = new CapturingSink();
        var payload = Bytes(length, 1);
        core.Outbound.Send(new SendRequest(Bob, payload) { Topic = new byte[topicLength] }, T0);
        core.Poll(T0, sink);

        Assert.Equal(expectedChunks, sink.Frames.Count);
        var rebuilt = new byte[length];
        foreach (var (destination, frame) in sink.Frames)
        {
            Assert.Equal(Bob, destination);
            Assert.True(frame.Length <= Settings.MaxFrameSize);
            Assert.Equal(BusDecodeError.None, ChunkCodec.TryRead(frame, out var chunk));
            Assert.Equal(expectedChunks, chunk.Count);
            chunk.Payload.CopyTo(rebuilt.AsSpan(chunk.Offset));
        }

        Assert.Equal(payload, rebuilt);
        Assert.Equal(MessageState.Sending, core.Outbound.GetStatus(10)!.State);
    }

    [Fact]
    public void Unacked_chunks_are_resent_with_doubling_backoff_up_to_the_cap()
    {
        var settings = Settings with { InitialRetransmitInterval = TimeSpan.FromSeconds(1), MaxRetransmitInterval = TimeSpan.FromSeconds(4) };
        var core = NewCore(settings);
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, Bytes(10, 1)), T0);

        var sendTimes = new List<int>();
        for (var second = 0; second <= 20; second++)
        {
            core.Poll(T0.AddSeconds(second), sink);
            if (sink.Take().Count > 0)
            {
                sendTimes.Add(second);
            }
        }

        // Gaps 1, 2, 4, then capped at 4.
        Assert.Equal([0, 1, 3, 7, 11, 15, 19], sendTimes);
        Assert.Equal(T0.AddSeconds(23), core.Outbound.NextWakeup);
    }

    [Fact]
    public void Acks_stop_retransmission_of_acked_chunks_and_complete_the_message()
    {
        var core = NewCore();
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, Bytes(3000, 1)), T0); // 3 chunks
        core.Poll(T0, sink);
        sink.Take();

        var received = new ChunkBitmap(3);
        received.Set(0);
        received.Set(2);
        var ack = new byte[64];
        var written = AckCodec.WriteRanges(ack, 10, received);
        Assert.Equal(ReceiveKind.StatusChanged, core.Receive(Bob, ack.AsSpan(0, written), T0.AddMilliseconds(100), sink).Kind);
        Assert.Equal(2, core.Outbound.GetStatus(10)!.ChunksAcked);

        core.Poll(T0.AddSeconds(1), sink);
        var resent = Assert.Single(sink.Take());
        Assert.Equal(BusDecodeError.None, ChunkCodec.TryRead(resent.Frame, out var chunk));
        Assert.Equal(1, chunk.Index);

        written = AckCodec.WriteComplete(ack, 10);
        core.Receive(Bob, ack.AsSpan(0, written), T0.AddSeconds(2), sink);
        Assert.Equal(MessageState.Delivered, core.Outbound.GetStatus(10)!.State);
        Assert.Equal(0, core.Outbound.InFlightCount);
        Assert.Null(core.Outbound.NextWakeup);
    }

    [Fact]
    public void Ack_from_anyone_but_the_destination_is_ignored()
    {
        var core = NewCore();
        core.Outbound.Send(new SendRequest(Bob, Bytes(10, 1)), T0);
        var ack = new byte[BusFrameLayout.AckHeaderSize];
        AckCodec.WriteComplete(ack, 10);

        Assert.Equal(ReceiveKind.Ignored, core.Receive(Carol, ack, T0, new CapturingSink()).Kind);
        Assert.Equal(MessageState.Pending, core.Outbound.GetStatus(10)!.State);
    }

    [Fact]
    public void Deadline_expiry_aborts_the_message_and_tells_the_receiver()
    {
        var core = NewCore();
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, Bytes(10, 1)) { Deadline = T0.AddSeconds(30) }, T0);
        core.Poll(T0.AddSeconds(29), sink);
        sink.Take();

        core.Poll(T0.AddSeconds(30), sink);

        var status = core.Outbound.GetStatus(10)!;
        Assert.Equal((MessageState.Aborted, AbortReason.Expired), (status.State, status.Reason));
        var abort = Assert.Single(sink.Frames);
        Assert.Equal(BusDecodeError.None, ControlCodec.TryRead(abort.Frame, out var kind, out var id, out _));
        Assert.Equal((BusFrameKind.Abort, 10UL, Bob), (kind, id, abort.Destination));
    }

    [Fact]
    public void Sends_beyond_the_limits_are_refused_with_typed_errors()
    {
        var settings = Settings with { MaxInFlight = 2, MaxMessageSize = 100, MaxInboxBytes = 100, MaxReassemblyBytes = 100 };
        var core = NewCore(settings);

        Assert.Equal(SendError.MessageTooLarge, core.Outbound.Send(new SendRequest(Bob, new byte[101]), T0).Error);
        Assert.Equal(SendError.TopicTooLong, core.Outbound.Send(new SendRequest(Bob, new byte[1]) { Topic = new byte[256] }, T0).Error);
        Assert.Equal(SendError.DeadlineNotInFuture, core.Outbound.Send(new SendRequest(Bob, new byte[1]) { Deadline = T0 }, T0).Error);
        Assert.Equal(SendError.DeadlineTooFar, core.Outbound.Send(new SendRequest(Bob, new byte[1]) { Deadline = T0.AddHours(1) }, T0).Error);
        Assert.True(core.Outbound.Send(new SendRequest(Bob, new byte[100]), T0).IsSuccess);
        Assert.True(core.Outbound.Send(new SendRequest(Bob, new byte[1]), T0).IsSuccess);

        var refused = core.Outbound.Send(new SendRequest(Bob, new byte[1]), T0);
        Assert.Equal(SendError.TooManyInFlight, refused.Error);
        Assert.Contains(MessageBusSettings.Keys.MaxInFlight, refused.Describe(settings));
    }

    [Fact]
    public void Finished_statuses_are_forgotten_after_retention()
    {
        var core = NewCore(Settings with { StatusRetention = TimeSpan.FromMinutes(1) });
        var sink = new CapturingSink();
        core.Outbound.Send(new SendRequest(Bob, new byte[1]) { Deadline = T0.AddSeconds(5) }, T0);
        core.Poll(T0.AddSeconds(5), sink);
        Assert.NotNull(core.Outbound.GetStatus(10));

        core.Poll(T0.AddSeconds(66), sink);
        Assert.Null(core.Outbound.GetStatus(10));
    }

    [Fact]
    public void Colliding_random_ids_are_drawn_again()
    {
        var core = new MessageBusCore(Settings, new SequentialIds(5, 5, 6));
        Assert.Equal(5UL, core.Outbound.Send(new SendRequest(Bob, new byte[1]), T0).MessageId);
        Assert.Equal(6UL, core.Outbound.Send(new SendRequest(Bob, new byte[1]), T0).MessageId);
    }
}
