using MeshActors.Messaging.Wire;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Sending;

/// <summary>
/// One message being sent: its bytes, which chunks the receiver has acknowledged, and its retransmission clock.
/// Every unacknowledged chunk goes out in a burst when due; the gap to the next burst doubles up to the cap and
/// falls back to the initial value whenever an ack shows progress.
/// </summary>
internal sealed class OutboundMessage
{
    private readonly byte[] _payload;
    private readonly byte[] _topic;
    private readonly ulong? _replyTo;
    private readonly ChunkPlan _plan;
    private TimeSpan _interval;

    public OutboundMessage(ulong id, SendRequest request, DateTimeOffset created, DateTimeOffset deadline, MessageBusSettings settings)
    {
        Id = id;
        Destination = request.Destination;
        _payload = request.Payload.ToArray();
        _topic = request.Topic.ToArray();
        _replyTo = request.ReplyTo;
        Created = created;
        Deadline = deadline;
        _plan = ChunkPlan.For(_payload.Length, _topic.Length, _replyTo.HasValue, settings.MaxFrameSize);
        Acked = new ChunkBitmap(_plan.Count);
        NextSend = created;
        _interval = settings.InitialRetransmitInterval;
    }

    public ulong Id { get; }

    public RouterId Destination { get; }

    public DateTimeOffset Created { get; }

    public DateTimeOffset Deadline { get; }

    public DateTimeOffset NextSend { get; private set; }

    public ChunkBitmap Acked { get; }

    /// <summary>True once the first burst went out: every chunk has been sent at least once.</summary>
    public bool Started { get; private set; }

    public int Length => _payload.Length;

    /// <summary>Writes every unacknowledged chunk to <paramref name="sink"/> and schedules the next burst.</summary>
    public void SendDue(DateTimeOffset now, Span<byte> scratch, IBusFrameSink sink, MessageBusSettings settings)
    {
        for (var index = Acked.NextWith(false, 0); index < _plan.Count; index = Acked.NextWith(false, index + 1))
        {
            var offset = _plan.OffsetOf(index);
            var written = ChunkCodec.Write(
                scratch, Id, index, _plan.Count, _payload.Length, offset, _replyTo, _topic, _payload.AsSpan(offset, _plan.LengthOf(index)));
            sink.Send(Destination, scratch[..written]);
        }

        Started = true;
        NextSend = now + _interval;
        _interval = TimeSpan.FromTicks(Math.Min(_interval.Ticks * 2, settings.MaxRetransmitInterval.Ticks));
    }

    /// <summary>Marks acknowledged ranges; progress resets the backoff so the remaining gaps go out soon.</summary>
    public void ApplyAck(in AckFrame ack, DateTimeOffset now, MessageBusSettings settings)
    {
        if (ack.Complete)
        {
            Acked.SetAll();
            return;
        }

        var added = 0;
        for (var i = 0; i < ack.RangeCount; i++)
        {
            var (first, length) = ack.GetRange(i);
            if (first + (long)length <= _plan.Count)
            {
                added += Acked.SetRange((int)first, (int)length);
            }
        }

        if (added > 0)
        {
            _interval = settings.InitialRetransmitInterval;
            if (NextSend > now + _interval)
            {
                NextSend = now + _interval;
            }
        }
    }

    public MessageStatus Status(MessageState state, AbortReason reason) => new(
        Id, Destination, state, reason, Created, Deadline, Length, _plan.Count, Started ? _plan.Count : 0, Acked.SetCount);
}
