using MeshActors.Messaging.Persistence;
using MeshActors.Messaging.Wire;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Sending;

/// <summary>
/// One message being sent: its bytes and the state of every chunk. A chunk is waiting (never sent, or sent and
/// declared lost), in flight (sent, neither acknowledged nor declared lost) or acknowledged. First transmissions go
/// in index order, so never-sent chunks are a suffix of the message and lost chunks, always below it, go out before
/// them. Each transmission records its flow-wide sequence number and time, for loss detection and round-trip
/// samples. When and how many chunks go out is decided by the destination's <see cref="DestinationFlow"/>.
/// </summary>
internal sealed class OutboundMessage
{
    private readonly byte[] _payload;
    private readonly byte[] _topic;
    private readonly ulong? _replyTo;
    private readonly ChunkPlan _plan;
    private readonly ChunkBitmap _lost;
    private readonly ChunkBitmap _resent;
    private readonly long[] _sequence;
    private readonly long[] _sentAt;
    private int _nextFresh;

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
        _lost = new ChunkBitmap(_plan.Count);
        _resent = new ChunkBitmap(_plan.Count);
        _sequence = new long[_plan.Count];
        _sentAt = new long[_plan.Count];
        Node = new LinkedListNode<OutboundMessage>(this);
    }

    public ulong Id { get; }

    public RouterId Destination { get; }

    public DateTimeOffset Created { get; }

    public DateTimeOffset Deadline { get; }

    public ChunkBitmap Acked { get; }

    /// <summary>Chunks sent and neither acknowledged nor declared lost.</summary>
    public int InFlight { get; private set; }

    /// <summary>Chunks waiting to go out: never sent, or declared lost.</summary>
    public int Waiting => _plan.Count - _nextFresh + _lost.SetCount;

    /// <summary>True once any chunk went out.</summary>
    public bool Started => _nextFresh > 0;

    /// <summary>Finished (delivered, read, aborted): the flow forgets it, stale transmissions of it are skipped.</summary>
    public bool Finished { get; set; }

    /// <summary>Held back by the flow: the receiver seems to have no room to reassemble it yet.</summary>
    public bool Parked { get; set; }

    /// <summary>This message's place in its flow's ready or parked list (one node, reused, so scheduling allocates nothing).</summary>
    public LinkedListNode<OutboundMessage> Node { get; }

    /// <summary>This message's transmissions in send order, oldest first; entries whose chunk was acknowledged, declared
    /// lost or sent again are stale and skipped. The flow's loss detection scans it from the front.</summary>
    public Queue<Transmission> Transmissions { get; } = new();

    /// <summary>Sequence number of the latest transmission of this message known to have arrived (0: none yet).</summary>
    public long DeliveredSequence { get; set; }

    /// <summary>Round trip of that transmission, ticks.</summary>
    public long DeliveredRtt { get; set; }

    public int Length => _payload.Length;

    /// <summary>The chunk to send next: the lowest lost one, else the next never sent; -1 when none waits.</summary>
    public int NextToSend() => _lost.SetCount > 0 ? _lost.NextWith(true, 0) : _nextFresh < _plan.Count ? _nextFresh : -1;

    /// <summary>Encodes chunk <paramref name="index"/> into <paramref name="scratch"/>; returns its length.</summary>
    public int Write(int index, Span<byte> scratch)
    {
        var offset = _plan.OffsetOf(index);
        return ChunkCodec.Write(
            scratch, Id, index, _plan.Count, _payload.Length, offset, _replyTo, _topic, _payload.AsSpan(offset, _plan.LengthOf(index)));
    }

    /// <summary>Chunk <paramref name="index"/> (from <see cref="NextToSend"/>) went out as transmission
    /// <paramref name="sequence"/>; true when it had been sent before.</summary>
    public bool MarkSent(int index, long sequence, DateTimeOffset now)
    {
        var resend = index != _nextFresh;
        if (resend)
        {
            _lost.Clear(index);
            _resent.Set(index);
        }
        else
        {
            _nextFresh++;
        }

        _sequence[index] = sequence;
        _sentAt[index] = now.UtcTicks;
        Transmissions.Enqueue(new Transmission(index, sequence, now.UtcTicks));
        InFlight++;
        return resend;
    }

    /// <summary>Whether <paramref name="transmission"/> is still in flight (its chunk not acknowledged, not declared
    /// lost, not sent again since).</summary>
    public bool IsInFlight(in Transmission transmission) =>
        !Finished && _sequence[transmission.Index] == transmission.Sequence && !Acked.IsSet(transmission.Index) && !_lost.IsSet(transmission.Index);

    /// <summary>Declares an in-flight chunk lost: it waits to be sent again.</summary>
    public void MarkLost(int index)
    {
        if (_lost.Set(index))
        {
            InFlight--;
        }
    }

    /// <summary>Declares every in-flight chunk lost (parking); returns how many.</summary>
    public int MarkAllLost()
    {
        var count = 0;
        for (var index = Acked.NextWith(false, 0); index < _nextFresh; index = Acked.NextWith(false, index + 1))
        {
            if (_lost.Set(index))
            {
                count++;
            }
        }

        InFlight -= count;
        Transmissions.Clear();
        return count;
    }

    /// <summary>
    /// Marks what the ack says arrived; reports what changed for the flow's window and estimators. An ack is the
    /// receiver's whole picture up to the end of its last range, so a chunk acknowledged before but missing from the
    /// gaps between its (ascending) ranges was forgotten by the receiver (it restarted, or dropped an idle reassembly):
    /// it is taken back and waits to be sent again.
    /// </summary>
    public AckEffect ApplyAck(in AckFrame ack)
    {
        var effect = default(AckEffect);
        if (ack.Complete)
        {
            Acknowledge(0, _plan.Count, ref effect);
            return effect;
        }

        var covered = 0L;
        var ascending = true;
        for (var i = 0; i < ack.RangeCount; i++)
        {
            var (first, length) = ack.GetRange(i);
            if (first + (long)length > _plan.Count)
            {
                continue;
            }

            ascending &= first >= covered;
            if (ascending)
            {
                effect.Forgotten += Forget((int)covered, (int)first);
                covered = first + length;
            }

            Acknowledge((int)first, (int)(first + length), ref effect);
        }

        return effect;
    }

    /// <summary>This message as plain data for a snapshot: content, deadline and which chunks were acknowledged.</summary>
    public PendingOutbound ToPending() => new(
        Id, Destination.ToBytes(), _topic, _payload, _replyTo.HasValue, _replyTo ?? 0, Created.UtcTicks, Deadline.UtcTicks, Acked.ToWords());

    /// <summary>
    /// Takes back the acknowledgements of a restored message. Every other chunk counts as sent and lost, so it goes out
    /// again first thing (the receiver re-acks what it already holds); false when <paramref name="words"/> do not fit.
    /// </summary>
    public bool RestoreAcked(ReadOnlySpan<ulong> words)
    {
        if (!Acked.TrySetFrom(words))
        {
            return false;
        }

        _nextFresh = _plan.Count;
        for (var index = Acked.NextWith(false, 0); index < _plan.Count; index = Acked.NextWith(false, index + 1))
        {
            _lost.Set(index);
        }

        return true;
    }

    public MessageStatus Status(MessageState state, AbortReason reason) => new(
        Id, Destination, state, reason, Created, Deadline, Length, _plan.Count, _nextFresh, Acked.SetCount);

    /// <summary>Takes back the acknowledgement of every chunk in [<paramref name="first"/>, <paramref name="end"/>).</summary>
    private int Forget(int first, int end)
    {
        var count = 0;
        for (var index = Acked.NextWith(true, first); index < end; index = Acked.NextWith(true, index + 1))
        {
            Acked.Clear(index);
            _lost.Set(index);
            count++;
        }

        return count;
    }

    private void Acknowledge(int first, int end, ref AckEffect effect)
    {
        for (var index = Acked.NextWith(false, first); index < end; index = Acked.NextWith(false, index + 1))
        {
            Acked.Set(index);
            effect.NewlyAcked++;
            if (index >= _nextFresh)
            {
                // Never sent (a "complete" ack covers everything): nothing in flight, nothing to time.
                continue;
            }

            if (!_lost.Clear(index))
            {
                // A chunk declared lost and then acked late was not counted in flight; its transmission still arrived.
                InFlight--;
                effect.WasInFlight++;
            }

            if (_sequence[index] > effect.NewestSequence)
            {
                effect.NewestSequence = _sequence[index];
                effect.NewestSentAt = _sentAt[index];
                effect.NewestWasResent = _resent.IsSet(index);
            }
        }
    }
}

/// <summary>
/// What one ack changed: chunks newly acknowledged (<see cref="WasInFlight"/> of them counted in flight until now), chunks
/// the receiver forgot, and the latest transmission among them: its sequence number, send time (UTC ticks), and whether that chunk had
/// been sent more than once, which makes its round trip ambiguous.
/// </summary>
internal struct AckEffect
{
    public int NewlyAcked;
    public int WasInFlight;

    /// <summary>Chunks acknowledged earlier that this ack shows the receiver no longer holds.</summary>
    public int Forgotten;
    public long NewestSequence;
    public long NewestSentAt;
    public bool NewestWasResent;
}

/// <summary>One chunk sent: which, as which flow-wide sequence number, when (UTC ticks).</summary>
internal readonly record struct Transmission(int Index, long Sequence, long SentAt);
