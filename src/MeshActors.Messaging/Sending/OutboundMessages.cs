using MeshActors.Protocol.Counting;
using MeshActors.Messaging.Persistence;
using MeshActors.Messaging.Wire;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Sending;

/// <summary>
/// Sender half of the bus: the in-flight table (bounded by max-in-flight), one <see cref="DestinationFlow"/> per
/// destination with unfinished messages (send window, loss detection, retransmission timer), ack, read and refuse
/// handling, deadline expiry, and statuses of finished messages. Single owner (the MessageBus actor); never reads a
/// clock: every call that depends on time takes <c>now</c>. Chunks go out only from <see cref="Poll"/> and
/// <see cref="Pump"/>, never from inside an ack, so a sink may hand frames straight to another core.
/// </summary>
public sealed class OutboundMessages
{
    private readonly MessageBusSettings _settings;
    private readonly IMessageIdSource _ids;
    private readonly ReplyWaiters _replies;
    private readonly Dictionary<ulong, OutboundMessage> _inFlight = [];
    private readonly Dictionary<RouterId, DestinationFlow> _flows = [];
    private readonly List<RouterId> _idleFlows = [];
    private readonly FinishedStatuses _finished;
    private readonly List<OutboundMessage> _expired = [];
    private readonly byte[] _scratch;

    public OutboundMessages(MessageBusSettings settings, IMessageIdSource ids, ReplyWaiters replies)
    {
        settings.Validate();
        _settings = settings;
        _ids = ids;
        _replies = replies;
        _finished = new FinishedStatuses(settings);
        _scratch = new byte[settings.MaxFrameSize];
    }

    public int InFlightCount => _inFlight.Count;

    public CounterSet<OutboundEvent> Counters { get; } = new();

    /// <summary>
    /// Earliest time <see cref="Poll"/> has work (a chunk's loss deadline, a message deadline; the past when chunks
    /// wait for a window that has room), or null when nothing is in flight.
    /// </summary>
    public DateTimeOffset? NextWakeup
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var message in _inFlight.Values)
            {
                if (next is null || message.Deadline < next)
                {
                    next = message.Deadline;
                }
            }

            foreach (var flow in _flows.Values)
            {
                if (flow.NextDue() is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }

            return next;
        }
    }

    /// <summary>The send window and round-trip state towards <paramref name="destination"/>, for tests and diagnostics.</summary>
    public (int Window, int InFlight, TimeSpan RetransmitTimeout)? FlowOf(RouterId destination) =>
        _flows.TryGetValue(destination, out var flow) ? (flow.Window.Size, flow.InFlight, flow.Rtt.Timeout) : null;

    /// <summary>
    /// Accepts a message (copying its bytes) or refuses it with a typed error. Nothing is sent until the next
    /// <see cref="Poll"/>, so the actor can answer the caller first.
    /// </summary>
    public SendResult Send(SendRequest request, DateTimeOffset now)
    {
        var deadline = request.Deadline ?? now + _settings.DefaultDeadline;
        var error = request switch
        {
            _ when request.Payload.Length > _settings.MaxMessageSize => SendError.MessageTooLarge,
            _ when request.Topic.Length > BusFrameLayout.MaxTopicLength => SendError.TopicTooLong,
            _ when deadline <= now => SendError.DeadlineNotInFuture,
            _ when deadline - now > _settings.DeliveredIdRetention => SendError.DeadlineTooFar,
            _ when _inFlight.Count >= _settings.MaxInFlight => SendError.TooManyInFlight,
            _ when request.ReplyTimeout.HasValue && !_replies.HasRoom => SendError.TooManyReplyWaiters,
            _ => SendError.None,
        };
        if (error != SendError.None)
        {
            return new SendResult(0, error);
        }

        var id = NewId();
        var message = new OutboundMessage(id, request, now, deadline, _settings);
        _inFlight.Add(id, message);
        FlowTo(message.Destination, now).Add(message, now);
        if (request.ReplyTimeout is { } wait)
        {
            _replies.Register(id, now + wait);
        }

        return new SendResult(id, SendError.None);
    }

    /// <summary>Every unfinished message as plain data, for a snapshot (payloads are shared, never changed after accept).</summary>
    public PendingOutbound[] Capture() => [.. _inFlight.Values.Select(message => message.ToPending())];

    /// <summary>
    /// Takes back a snapshot's unfinished messages, with their ids, deadlines and acknowledged chunks; their other
    /// chunks go out again on the next <see cref="Poll"/>. An entry that is malformed, over this node's limits, already
    /// known, acknowledged in full, or past its deadline is left out and counted in the report.
    /// </summary>
    internal (int Restored, int Expired, int Invalid, int NoRoom) Restore(IEnumerable<PendingOutbound> pending, DateTimeOffset now)
    {
        var (restored, expired, invalid, noRoom) = (0, 0, 0, 0);
        foreach (var entry in pending)
        {
            if (entry?.IsComplete != true || entry.Destination.Length != RouterId.Size || entry.Payload.Length > _settings.MaxMessageSize
                || entry.Topic.Length > BusFrameLayout.MaxTopicLength || entry.CreatedTicks > entry.DeadlineTicks
                || entry.DeadlineTicks > DateTimeOffset.MaxValue.UtcTicks || entry.CreatedTicks < 0 || _inFlight.ContainsKey(entry.Id))
            {
                invalid++;
                continue;
            }

            var deadline = new DateTimeOffset(entry.DeadlineTicks, TimeSpan.Zero);
            if (deadline <= now)
            {
                expired++;
                continue;
            }

            if (_inFlight.Count >= _settings.MaxInFlight)
            {
                noRoom++;
                continue;
            }

            var request = new SendRequest(RouterId.FromBytes(entry.Destination), entry.Payload)
            {
                Topic = entry.Topic,
                ReplyTo = entry.IsReply ? entry.ReplyTo : null,
            };
            var message = new OutboundMessage(entry.Id, request, new DateTimeOffset(entry.CreatedTicks, TimeSpan.Zero), deadline, _settings);
            if (!message.RestoreAcked(entry.AckedChunks) || message.Acked.IsComplete)
            {
                invalid++;
                continue;
            }

            _inFlight.Add(entry.Id, message);
            FlowTo(message.Destination, now).Add(message, now);
            restored++;
        }

        return (restored, expired, invalid, noRoom);
    }

    /// <summary>
    /// Aborts messages past their deadline (telling the receiver), then <see cref="Pump"/>s every flow, forgets
    /// flows idle for max-retransmit-interval, prunes old statuses.
    /// </summary>
    public void Poll(DateTimeOffset now, IBusFrameSink sink)
    {
        foreach (var message in _inFlight.Values)
        {
            if (message.Deadline <= now)
            {
                _expired.Add(message);
            }
        }

        foreach (var message in _expired)
        {
            var written = ControlCodec.Write(_scratch, BusFrameKind.Abort, message.Id);
            sink.Send(message.Destination, _scratch.AsSpan(0, written));
            Finish(message, MessageState.Aborted, AbortReason.Expired, now);
        }

        _expired.Clear();
        Pump(now, sink);
        foreach (var (destination, flow) in _flows)
        {
            if (flow.MessageCount == 0 && now - flow.IdleSince >= _settings.MaxRetransmitInterval)
            {
                _idleFlows.Add(destination);
            }
        }

        foreach (var destination in _idleFlows)
        {
            _flows.Remove(destination);
        }

        _idleFlows.Clear();
        _finished.Prune(now);
    }

    /// <summary>
    /// Detects lost chunks and sends what every destination's window allows. The actor calls this after each batch
    /// of received frames (acks open windows) and <see cref="Poll"/> calls it on the timer.
    /// </summary>
    public void Pump(DateTimeOffset now, IBusFrameSink sink)
    {
        foreach (var flow in _flows.Values)
        {
            flow.Pump(now, _scratch, sink);
        }
    }

    /// <summary>Status of an in-flight or recently finished message; null when unknown or forgotten.</summary>
    public MessageStatus? GetStatus(ulong id)
    {
        if (_inFlight.TryGetValue(id, out var message))
        {
            return message.Status(message.Started ? MessageState.Sending : MessageState.Pending, AbortReason.None);
        }

        return _finished.TryGet(id, out var status) ? status : null;
    }

    /// <summary>Applies an ack; acks from anyone but the destination are ignored (returns false).</summary>
    internal bool OnAck(RouterId from, in AckFrame ack, DateTimeOffset now)
    {
        if (!TryGetFrom(from, ack.MessageId, out var message))
        {
            return false;
        }

        _flows[message.Destination].OnAck(message, ack, now);
        if (message.Acked.IsComplete)
        {
            Finish(message, MessageState.Delivered, AbortReason.None, now);
        }

        return true;
    }

    /// <summary>Read receipt: the final state. Also finishes a message whose completing ack was lost.</summary>
    internal bool OnRead(RouterId from, ulong id, DateTimeOffset now)
    {
        if (TryGetFrom(from, id, out var message))
        {
            message.Acked.SetAll();
            Finish(message, MessageState.Read, AbortReason.None, now);
            return true;
        }

        if (_finished.TryGet(id, out var status) && status.Destination == from && status.State == MessageState.Delivered)
        {
            _finished.Update(status with { State = MessageState.Read });
            return true;
        }

        return false;
    }

    internal bool OnRefuse(RouterId from, ulong id, RefuseReason reason, DateTimeOffset now)
    {
        if (!TryGetFrom(from, id, out var message))
        {
            return false;
        }

        var abort = reason == RefuseReason.TooLarge ? AbortReason.RefusedTooLarge : AbortReason.RefusedInboxFull;
        Finish(message, MessageState.Aborted, abort, now);
        return true;
    }

    private bool TryGetFrom(RouterId from, ulong id, out OutboundMessage message) =>
        _inFlight.TryGetValue(id, out message!) && message.Destination == from;

    private DestinationFlow FlowTo(RouterId destination, DateTimeOffset now)
    {
        if (!_flows.TryGetValue(destination, out var flow))
        {
            if (_flows.Count >= 2 * _settings.MaxInFlight)
            {
                // Busy flows are at most max-in-flight (each holds a message); the rest are idle and may go now.
                foreach (var (key, idle) in _flows)
                {
                    if (idle.MessageCount == 0)
                    {
                        _flows.Remove(key);
                    }
                }
            }

            flow = new DestinationFlow(destination, _settings, Counters, now);
            _flows.Add(destination, flow);
        }

        return flow;
    }

    private void Finish(OutboundMessage message, MessageState state, AbortReason reason, DateTimeOffset now)
    {
        _inFlight.Remove(message.Id);
        _flows[message.Destination].Remove(message, state is MessageState.Delivered or MessageState.Read, now);
        _finished.Add(message.Status(state, reason), now);
        if (state == MessageState.Aborted)
        {
            _replies.StopWaiting(message.Id);
        }
    }

    /// <summary>A fresh id, distinct from every id still in flight or still reported by status.</summary>
    private ulong NewId()
    {
        while (true)
        {
            var id = _ids.NextId();
            if (!_inFlight.ContainsKey(id) && !_finished.TryGet(id, out _))
            {
                return id;
            }
        }
    }
}
