using MeshActors.Protocol.Counting;
using MeshActors.Messaging.Wire;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Sending;

/// <summary>
/// Flow control towards one destination: every outbound message to it shares one congestion window, one round-trip
/// estimate and one numbering of transmissions. Single owner (<see cref="OutboundMessages"/>); time is passed in.
/// <para>Pipeline, run by <see cref="Pump"/> after each batch of acks and on the timer:</para>
/// <list type="number">
/// <item>Loss detection, per message, over its transmissions in send order. Every ack is a full picture of one
/// message, so a chunk is lost when an ack of its message shows a chunk sent after it arrived and it has had that
/// chunk's round trip plus a reorder allowance to arrive too (RACK, RFC 8985, within one message: acks of different
/// messages may reach us in different batches). A chunk sent a retransmission timeout ago is lost as well. Only
/// chunks deemed lost are sent again.</item>
/// <item>Window reaction: a loss seen in acks halves the window once per window of data; a timeout drops it to one
/// chunk and doubles the timeout.</item>
/// <item>Sending: while fewer than the window's chunks are in flight, the first message of <see cref="_ready"/> sends
/// one chunk (its lowest lost chunk, else its next new one) and goes to the back: round robin, so a small message is
/// never stuck behind a large one.</item>
/// </list>
/// <para>Parking. A message none of whose chunks was ever acknowledged, while the destination acknowledged chunks of
/// other messages sent after them (allowing a round trip more for its first ack), was most likely dropped whole by
/// the receiver: its reassembly limits were full (counted there as reassembly_count_full / reassembly_bytes_full).
/// Resending into a full receiver would only waste the window, and shrinking the window would punish the other
/// messages, so the message is parked instead: it waits, in order, until a message to this destination is
/// delivered (a reassembly came free), which releases the oldest parked one, or until nothing else is in flight.
/// Messages sent while others are parked queue behind them. A one-chunk message lost on the way looks the same and
/// is released the same way.</para>
/// </summary>
internal sealed class DestinationFlow
{
    /// <summary>Least reorder allowance, 1 ms: RFC 8985 uses a quarter of the smallest round trip, which on loopback is
    /// a few microseconds, shorter than the scheduling jitter between the mailbox batches our acks arrive in.</summary>
    private static readonly long MinReorderTicks = TimeSpan.TicksPerMillisecond;

    private readonly MessageBusSettings _settings;
    private readonly CounterSet<OutboundEvent> _counters;
    private readonly List<OutboundMessage> _messages = [];
    private readonly LinkedList<OutboundMessage> _ready = new();
    private readonly LinkedList<OutboundMessage> _parked = new();
    private long _nextSequence = 1;
    private long _deliveredSequence;
    private long _deliveredRtt;
    private long _recoveryEnd;

    public DestinationFlow(RouterId destination, MessageBusSettings settings, CounterSet<OutboundEvent> counters, DateTimeOffset now)
    {
        Destination = destination;
        _settings = settings;
        _counters = counters;
        Window = new CongestionWindow(settings);
        Rtt = new RttEstimator(settings);
        IdleSince = now;
    }

    public RouterId Destination { get; }

    public CongestionWindow Window { get; }

    public RttEstimator Rtt { get; }

    /// <summary>Chunks sent to this destination and neither acknowledged nor declared lost; at most the window.</summary>
    public int InFlight { get; private set; }

    /// <summary>Unfinished messages to this destination.</summary>
    public int MessageCount => _messages.Count;

    /// <summary>When the last message finished; meaningful while <see cref="MessageCount"/> is 0.</summary>
    public DateTimeOffset IdleSince { get; private set; }

    public void Add(OutboundMessage message, DateTimeOffset now)
    {
        if (_messages.Count == 0 && now - IdleSince > Rtt.Timeout)
        {
            Window.RestartAfterIdle();
        }

        _messages.Add(message);
        if (_parked.Count > 0)
        {
            message.Parked = true;
            _parked.AddLast(message.Node);
        }
        else
        {
            _ready.AddLast(message.Node);
        }
    }

    /// <summary>The message finished (delivered, read, aborted): forget its chunks; a delivery frees a receiver slot.</summary>
    public void Remove(OutboundMessage message, bool delivered, DateTimeOffset now)
    {
        InFlight -= message.InFlight;
        message.Finished = true;
        message.Node.List?.Remove(message.Node);
        message.Parked = false;
        message.Transmissions.Clear();
        _messages.Remove(message);
        if (_messages.Count == 0)
        {
            IdleSince = now;
        }
        else if (delivered && _parked.First is { } oldest)
        {
            Unpark(oldest.Value);
        }
    }

    public void OnAck(OutboundMessage message, in AckFrame ack, DateTimeOffset now)
    {
        var inFlightBefore = InFlight;
        var effect = message.ApplyAck(ack);
        InFlight -= effect.WasInFlight;
        if (effect.Forgotten > 0)
        {
            _counters.Add(OutboundEvent.ChunksForgotten, effect.Forgotten);
            if (message.Node.List is null && !message.Parked)
            {
                _ready.AddLast(message.Node);
            }
        }

        if (effect.NewlyAcked == 0)
        {
            return;
        }

        Window.OnAcked(effect.NewlyAcked, inFlightBefore);
        Rtt.ResetBackoff();
        if (message.Parked)
        {
            Unpark(message);
        }

        if (effect.NewestSequence == 0)
        {
            return;
        }

        var rtt = Math.Max(0, now.UtcTicks - effect.NewestSentAt);
        if (effect.NewestWasResent && Rtt.HasSample && rtt < Rtt.Min.Ticks)
        {
            // Faster than any round trip: this ack answers an earlier transmission, not the resend. Learn nothing.
            return;
        }

        if (!effect.NewestWasResent)
        {
            Rtt.AddSample(TimeSpan.FromTicks(rtt));
        }

        if (effect.NewestSequence > message.DeliveredSequence)
        {
            message.DeliveredSequence = effect.NewestSequence;
            message.DeliveredRtt = rtt;
        }

        if (effect.NewestSequence > _deliveredSequence)
        {
            _deliveredSequence = effect.NewestSequence;
            _deliveredRtt = rtt;
        }
    }

    /// <summary>Declares lost chunks, reacts in the window, then sends waiting chunks while the window has room.</summary>
    public void Pump(DateTimeOffset now, Span<byte> scratch, IBusFrameSink sink)
    {
        DetectLosses(now);
        if (_ready.Count == 0 && InFlight == 0 && _parked.First is { } oldest)
        {
            Unpark(oldest.Value);
        }

        while (InFlight < Window.Size && _ready.First is { } node)
        {
            _ready.RemoveFirst();
            var message = node.Value;
            var index = message.NextToSend();
            if (index < 0)
            {
                continue;
            }

            var written = message.Write(index, scratch);
            sink.Send(Destination, scratch[..written]);
            if (message.MarkSent(index, _nextSequence++, now))
            {
                _counters.Increment(OutboundEvent.ChunksResent);
            }

            InFlight++;
            _counters.Increment(OutboundEvent.ChunksSent);
            if (message.Waiting > 0)
            {
                _ready.AddLast(node);
            }
        }
    }

    /// <summary>When <see cref="Pump"/> next has work: the earliest loss deadline of an in-flight chunk, or
    /// <see cref="DateTimeOffset.MinValue"/> (already due) when chunks wait and the window has room; null when idle.</summary>
    public DateTimeOffset? NextDue()
    {
        if ((_ready.Count > 0 && InFlight < Window.Size) || (_ready.Count == 0 && InFlight == 0 && _parked.Count > 0))
        {
            return DateTimeOffset.MinValue;
        }

        var timeoutTicks = Rtt.Timeout.Ticks;
        var reorderTicks = ReorderTicks();
        long? next = null;
        foreach (var message in _messages)
        {
            foreach (var transmission in message.Transmissions)
            {
                if (!message.IsInFlight(transmission))
                {
                    continue;
                }

                var due = transmission.SentAt + timeoutTicks;
                if (transmission.Sequence < message.DeliveredSequence)
                {
                    due = Math.Min(due, transmission.SentAt + message.DeliveredRtt + reorderTicks);
                }
                else if (message.Acked.SetCount == 0 && transmission.Sequence < _deliveredSequence)
                {
                    due = Math.Min(due, UnadmittedAfter(transmission, reorderTicks));
                }

                next = next is null ? due : Math.Min(next.Value, due);
                break;
            }
        }

        return next is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }

    private void DetectLosses(DateTimeOffset now)
    {
        var nowTicks = now.UtcTicks;
        var timeoutTicks = Rtt.Timeout.Ticks;
        var reorderTicks = ReorderTicks();
        var timedOut = false;
        var lostInAcks = false;
        foreach (var message in _messages)
        {
            var transmissions = message.Transmissions;
            while (transmissions.TryPeek(out var transmission))
            {
                if (!message.IsInFlight(transmission))
                {
                    transmissions.Dequeue();
                    continue;
                }

                // Later transmissions of this message were sent later: once one is not due, none after it is.
                var byAcks = transmission.Sequence < message.DeliveredSequence
                    && nowTicks >= transmission.SentAt + message.DeliveredRtt + reorderTicks;
                var byTimer = nowTicks >= transmission.SentAt + timeoutTicks;
                var othersArrived = message.Acked.SetCount == 0 && transmission.Sequence < _deliveredSequence;
                if (othersArrived && (byTimer || nowTicks >= UnadmittedAfter(transmission, reorderTicks)))
                {
                    Park(message);
                    break;
                }

                if (!byAcks && !byTimer)
                {
                    break;
                }

                transmissions.Dequeue();
                message.MarkLost(transmission.Index);
                InFlight--;
                if (message.Node.List is null && !message.Parked)
                {
                    _ready.AddLast(message.Node);
                }

                if (!byAcks)
                {
                    timedOut = true;
                }
                else if (transmission.Sequence > _recoveryEnd)
                {
                    lostInAcks = true;
                }
            }

            if (transmissions.Count > 2 * _settings.MaxSendWindow)
            {
                Compact(message);
            }
        }

        if (timedOut)
        {
            Window.OnTimeout();
            Rtt.BackOff();
            _recoveryEnd = _nextSequence - 1;
            _counters.Increment(OutboundEvent.Timeouts);
        }
        else if (lostInAcks)
        {
            Window.OnLoss();
            _recoveryEnd = _nextSequence - 1;
            _counters.Increment(OutboundEvent.WindowReductions);
        }
    }

    /// <summary>When a never-acknowledged message's transmission counts as not admitted: the round trip of the latest
    /// chunk of another message that arrived, the reorder allowance, and one smoothed round trip more for its own first
    /// ack, which may come in a later batch than the other message's.</summary>
    private long UnadmittedAfter(in Transmission transmission, long reorderTicks) =>
        transmission.SentAt + _deliveredRtt + reorderTicks + Rtt.Smoothed.Ticks;

    /// <summary>RACK's reorder allowance: a quarter of the smallest round trip, at least <see cref="MinReorderTicks"/>.</summary>
    private long ReorderTicks() => Math.Max(MinReorderTicks, (Rtt.HasSample ? Rtt.Min : Rtt.Smoothed).Ticks / 4);

    private void Park(OutboundMessage message)
    {
        InFlight -= message.MarkAllLost();
        message.Node.List?.Remove(message.Node);
        message.Parked = true;
        _parked.AddLast(message.Node);
        _counters.Increment(OutboundEvent.MessagesParked);
    }

    private void Unpark(OutboundMessage message)
    {
        _parked.Remove(message.Node);
        message.Parked = false;
        if (message.Waiting > 0)
        {
            _ready.AddLast(message.Node);
        }
    }

    /// <summary>Drops stale transmissions so a message's queue stays within a few windows (live ones ≤ the window).</summary>
    private static void Compact(OutboundMessage message)
    {
        var live = message.Transmissions.Where(t => message.IsInFlight(t)).ToList();
        message.Transmissions.Clear();
        foreach (var transmission in live)
        {
            message.Transmissions.Enqueue(transmission);
        }
    }
}
