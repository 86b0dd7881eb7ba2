using Akka.Actor;
using Akka.Event;
using MeshActors.DataPlane.Forwarding;
using MeshActors.Messaging;
using MeshActors.Messaging.Api;
using MeshActors.Messaging.Persistence;
using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using MeshActors.Node.State;
using MeshActors.Protocol;
using MeshActors.Protocol.Data;
using MeshActors.Protocol.Routing;
using MeshActors.Node.Actors;
using MeshActors.Node.Nat;
using MeshActors.Protocol.Nat;

namespace MeshActors.Node.Messaging;

/// <summary>
/// Thin actor around <see cref="MessageBusCore"/>: turns API asks and received frames into core calls (reading the
/// clock once per message and passing it in) and wakes itself at <see cref="OutboundMessages.NextWakeup"/>.
/// Frames arrive from the forwarder through the bounded <see cref="BusInlet"/> (which finds this actor in the registry); frames leave through
/// <see cref="Forwarder.TrySendMessage"/>. Works without a TUN device. Once per mailbox batch (the first frame of a
/// batch queues a flush behind the frames already waiting) the core flushes acks and sends the chunks that the acks
/// received in the batch let through the send windows: the ack clock of the bus's flow control. With a state section
/// (<see cref="BusSnapshots"/>) the bus survives a restart: restored at start, saved on change and when stopping.
/// </summary>
public sealed class MessageBusActor : ReceiveActor, IWithTimers
{
    public const string Name = "messages";

    /// <summary>Longest sleep between housekeeping polls (idle reassemblies, retention pruning), 1 s: coarse enough to
    /// cost nothing, fine enough for second-granularity API timeouts.</summary>
    private static readonly TimeSpan HousekeepingInterval = TimeSpan.FromSeconds(1);

    /// <summary>Received messages whose sender is remembered for replies without <c>dst</c>: the last 4,096 handed out.</summary>
    private const int RememberedSenders = 4096;

    private readonly Forwarder _forwarder;
    private readonly MessageBusCore _core;
    private readonly ForwarderBusSink _sink;
    private readonly BusAddressing _addressing;
    private readonly RouterId _self;
    private readonly System.Net.IPAddress _selfAddress;
    private readonly ParkedReceivers _receivers = new();
    private readonly RecentSenders _recentSenders = new(RememberedSenders);
    private readonly Dictionary<ulong, (IActorRef Asker, DateTimeOffset Until)> _replyWaits = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BusSnapshots? _snapshots;
    private readonly BusInlet _inlet;
    private readonly BusHandOver? _handOver;
    private bool _flushQueued;
    private bool _statusChanged;
    private long _accepted;
    private long _refused;

    public MessageBusActor(
        MessageBusSettings settings,
        Forwarder forwarder,
        BusInlet inlet,
        RouterId self,
        IpPrefix overlayPrefix,
        SectionStore<BusState>? state = null,
        TimeSpan writeInterval = default,
        BusHandOver? handOver = null)
    {
        _snapshots = state is null ? null : new BusSnapshots(state, writeInterval, _log);
        _forwarder = forwarder;
        _inlet = inlet;
        _handOver = handOver;
        _core = new MessageBusCore(settings, new RandomMessageIdSource());
        _sink = new ForwarderBusSink(forwarder, handOver?.Inner ?? InnerType.Message);
        _addressing = new BusAddressing(forwarder, overlayPrefix);
        _self = self;
        _selfAddress = _addressing.AddressOf(self);

        Receive<BusFrame>(OnFrame);
        Receive<FlushAcks>(_ =>
        {
            _flushQueued = false;
            var now = DateTimeOffset.UtcNow;
            _core.Flush(now, _sink);
            _snapshots?.SaveIfDue(_core, now, _sink);
            if (_statusChanged || _snapshots?.DueAt is not null)
            {
                _statusChanged = false;
                ScheduleWakeup(now);
            }
        });
        Receive<SendBusMessage>(OnSend);
        Receive<TakeBusMessage>(take =>
        {
            var message = Take(take.TopicPrefix, take.Peek);
            Answer(take.Peek || message is null ? null : DateTimeOffset.UtcNow, new TakeAnswer(message));
        });
        Receive<GetSenderOf>(get => Sender.Tell(new SenderOfAnswer(
            _recentSenders.SenderOf(get.Id) is { } sender ? MessageApiValidation.FormatKey(sender) : null)));
        Receive<WaitForBusMessage>(OnWait);
        Receive<GetBusStatus>(get => Sender.Tell(new StatusAnswer(_core.Outbound.GetStatus(get.Id) is { } status
            ? MessageApiMapping.ToDto(status, _addressing.AddressOf(status.Destination))
            : null)));
        Receive<GetBusCounters>(_ => Sender.Tell(Counters()));
        Receive<Wakeup>(_ => Poll(DateTimeOffset.UtcNow));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="state">Where the bus keeps its durable state; null: nothing survives a restart.</param>
    /// <param name="writeInterval">Shortest time between two saves of the state (<c>state.write-interval</c>).</param>
    /// <param name="handOver">Null: the message bus, with an inbox for API clients; otherwise the tunnel bus.</param>
    public static Props Props(
        MessageBusSettings settings,
        Forwarder forwarder,
        BusInlet inlet,
        RouterId self,
        IpPrefix overlayPrefix,
        SectionStore<BusState>? state = null,
        TimeSpan writeInterval = default,
        BusHandOver? handOver = null) =>
        Akka.Actor.Props.Create(() => new MessageBusActor(settings, forwarder, inlet, self, overlayPrefix, state, writeInterval, handOver));

    protected override void PreStart()
    {
        var now = DateTimeOffset.UtcNow;
        _snapshots?.Restore(_core, now);
        Poll(now);
    }

    protected override void PostStop() => _snapshots?.SaveIfChanged(_core, DateTimeOffset.UtcNow, _sink);

    private void OnFrame(BusFrame frame)
    {
        frame.Inlet.Done();
        var now = DateTimeOffset.UtcNow;
        var outcome = _core.Receive(frame.Sender, frame.Plaintext, now, _sink);
        if (outcome is { Kind: ReceiveKind.Chunk, Chunk: ChunkOutcome.Delivered })
        {
            HandOver();
            _receivers.WakeMatching(prefix => _core.Inbound.Peek(prefix) is not null);
        }
        else if (outcome is { Kind: ReceiveKind.Chunk, Chunk: ChunkOutcome.ReplyParked })
        {
            AnswerReply(outcome.MessageId);
        }

        if (!_flushQueued)
        {
            _flushQueued = true;
            Self.Tell(FlushAcks.Instance);
        }

        _statusChanged |= outcome.Kind == ReceiveKind.StatusChanged;
        if (outcome.Kind == ReceiveKind.StatusChanged || outcome.Chunk is ChunkOutcome.Delivered or ChunkOutcome.ReplyParked)
        {
            _snapshots?.Changed();
        }
    }

    private void OnSend(SendBusMessage send)
    {
        if (!_addressing.TryResolve(send.Target, out var destination, out var refusal))
        {
            _refused++;
            Sender.Tell(refusal);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var result = _core.Outbound.Send(new SendRequest(destination, send.Payload)
        {
            Topic = send.Topic,
            ReplyTo = send.ReplyTo,
            ReplyTimeout = send.ReplyTimeout,
        }, now);
        if (!result.IsSuccess)
        {
            _refused++;
            Sender.Tell(Refusal(result));
            return;
        }

        _accepted++;
        if (!send.Topic.AsSpan().SequenceEqual(PunchSignalCodec.Topic))
        {
            // Traffic for a node may be worth a direct link to it (the NAT traversal actor decides).
            NodeRegistry.TryTell<NatTraversalActor>(Context.System, new TrafficFor(destination.ToBytes()));
        }

        if (send.ReplyTimeout is { } wait)
        {
            _replyWaits[result.MessageId] = (Sender, now + wait);
        }
        else
        {
            Answer(now, new SendAccepted(result.MessageId));
        }

        Poll(now);
    }

    private void OnWait(WaitForBusMessage wait)
    {
        if (_core.Inbound.Peek(wait.TopicPrefix) is not null)
        {
            Sender.Tell(new WaitAnswer(WaitResult.Ready));
            return;
        }

        var now = DateTimeOffset.UtcNow;
        if (!_receivers.TryPark(Sender, wait.TopicPrefix, now + wait.Timeout))
        {
            Sender.Tell(new WaitAnswer(WaitResult.Busy));
            return;
        }

        ScheduleWakeup(now);
    }

    /// <summary>Messages on the node's own NAT topic (hole-punching offers and answers) go to the NAT traversal actor,
    /// never to the inbox a client reads; on the tunnel bus every message goes to its consumer.</summary>
    private void HandOver()
    {
        if (_handOver is { } handOver)
        {
            while (_core.Inbound.Pop([], _sink) is { } message)
            {
                NodeRegistry.TryTell(Context.System, handOver.Consumer, new BusDelivered(message.Sender, message.Payload));
            }

            return;
        }

        while (_core.Inbound.Pop(PunchSignalCodec.Topic, _sink) is { } signal)
        {
            NodeRegistry.TryTell<NatTraversalActor>(Context.System, new PunchSignalReceived(signal.Sender.ToBytes(), signal.Payload));
        }
    }

    private InboundMessageDto? Take(byte[] prefix, bool peek)
    {
        var message = peek ? _core.Inbound.Peek(prefix) : _core.Inbound.Pop(prefix, _sink);
        if (message is null)
        {
            return null;
        }

        _recentSenders.Remember(message.Id, message.Sender);
        return ToDto(message);
    }

    private void AnswerReply(ulong id)
    {
        if (_replyWaits.Remove(id, out var wait) && _core.Replies.TryTake(id, out var reply))
        {
            wait.Asker.Tell(new SendReplied(id, ToDto(reply)));
        }
    }

    private void Poll(DateTimeOffset now)
    {
        foreach (var (id, wait) in _replyWaits.Where(pair => pair.Value.Until <= now).ToList())
        {
            _replyWaits.Remove(id);
            _core.Replies.StopWaiting(id);
            wait.Asker.Tell(new SendReplyTimedOut(id));
        }

        var inFlight = _core.Outbound.InFlightCount;
        _core.Poll(now, _sink);
        if (_core.Outbound.InFlightCount != inFlight)
        {
            _snapshots?.Changed();
        }

        _snapshots?.SaveIfDue(_core, now, _sink);
        _receivers.Expire(now);
        ScheduleWakeup(now);
    }

    /// <summary>Answers the sender; with durable state and a <paramref name="changedAt"/>, only once the change is saved.</summary>
    private void Answer(DateTimeOffset? changedAt, object answer)
    {
        if (_snapshots is null || changedAt is null)
        {
            Sender.Tell(answer);
            return;
        }

        _snapshots.AnswerAfterSave(Sender, answer);
        _snapshots.SaveIfDue(_core, changedAt.Value, _sink);
        ScheduleWakeup(changedAt.Value);
    }

    /// <summary>One timer at the earliest of: the core's next burst or deadline, a waiter's timeout, housekeeping.</summary>
    private void ScheduleWakeup(DateTimeOffset now)
    {
        var next = now + HousekeepingInterval;
        foreach (var candidate in new[] { _core.Outbound.NextWakeup, _receivers.Earliest, _replyWaits.Count == 0 ? null : _replyWaits.Values.Min(w => w.Until), _snapshots?.DueAt })
        {
            if (candidate is { } due && due < next)
            {
                next = due;
            }
        }

        var delay = next - now;
        Timers.StartSingleTimer(nameof(Wakeup), Wakeup.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private InboundMessageDto ToDto(ReceivedMessage message) =>
        MessageApiMapping.ToDto(message, _addressing.AddressOf(message.Sender), _self, _selfAddress);

    private SendRefused Refusal(SendResult result)
    {
        var status = result.Error is SendError.TooManyInFlight or SendError.TooManyReplyWaiters ? 429
            : result.Error == SendError.MessageTooLarge ? 413
            : 400;
        var field = result.Error switch
        {
            SendError.MessageTooLarge => "payload",
            SendError.TopicTooLong => "topic",
            _ => "dst",
        };
        _log.Debug("send refused: {0}", result.Error);
        return new SendRefused(status, field, result.Describe(_core.Settings));
    }

    private BusCounters Counters()
    {
        return new BusCounters(
            _inlet.Received,
            _inlet.Dropped,
            _sink.Sent,
            _sink.Dropped,
            _accepted,
            _refused,
            _core.Outbound.InFlightCount,
            _core.Inbound.InboxCount,
            _core.Inbound.InboxBytes,
            _core.Inbound.ReassemblyCount,
            _core.Inbound.ReassemblyBytes,
            _receivers.Count,
            _core.Replies.Count,
            _core.Outbound.Counters.ToDictionary(),
            _core.Inbound.Counters.ToDictionary());
    }

    private sealed record FlushAcks
    {
        public static readonly FlushAcks Instance = new();
    }

    private sealed record Wakeup
    {
        public static readonly Wakeup Instance = new();
    }
}
