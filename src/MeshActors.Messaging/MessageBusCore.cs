using MeshActors.Messaging.Persistence;
using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using MeshActors.Messaging.Wire;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging;

/// <summary>
/// The whole bus state of one node, no actors, no I/O, no clock. The MessageBus actor owns one instance and:
/// <list type="number">
/// <item>calls <see cref="Receive"/> with the plaintext of every end-to-end bus packet (the data plane has opened
/// it and vouches for the sender key), then <see cref="InboundMessages.FlushAcks"/> once per mailbox batch;</item>
/// <item>calls <see cref="Poll"/> on a timer (at the latest at <see cref="OutboundMessages.NextWakeup"/>);</item>
/// <item>answers the HTTP API through <see cref="Outbound"/>, <see cref="Inbound"/> and <see cref="Replies"/>.</item>
/// </list>
/// Frames to send leave through the <see cref="IBusFrameSink"/> passed to each call.
/// </summary>
public sealed class MessageBusCore
{
    public MessageBusCore(MessageBusSettings settings, IMessageIdSource ids)
    {
        settings.Validate();
        Settings = settings;
        Replies = new ReplyWaiters(settings.MaxInFlight);
        Outbound = new OutboundMessages(settings, ids, Replies);
        Inbound = new InboundMessages(settings, Replies);
    }

    public MessageBusSettings Settings { get; }

    public OutboundMessages Outbound { get; }

    public InboundMessages Inbound { get; }

    public ReplyWaiters Replies { get; }

    public ReceiveOutcome Receive(RouterId sender, ReadOnlySpan<byte> plaintext, DateTimeOffset now, IBusFrameSink sink)
    {
        var kind = plaintext.IsEmpty ? (BusFrameKind)0 : (BusFrameKind)plaintext[0];
        BusDecodeError error;
        switch (kind)
        {
            case BusFrameKind.Chunk:
                error = ChunkCodec.TryRead(plaintext, out var chunk);
                if (error == BusDecodeError.None)
                {
                    var outcome = Inbound.OnChunk(sender, chunk, now, sink);
                    var id = outcome == ChunkOutcome.ReplyParked ? chunk.ReplyTo : chunk.MessageId;
                    return new ReceiveOutcome(ReceiveKind.Chunk, id, outcome, BusDecodeError.None);
                }

                break;
            case BusFrameKind.Ack:
                error = AckCodec.TryRead(plaintext, out var ack);
                if (error == BusDecodeError.None)
                {
                    return Status(Outbound.OnAck(sender, ack, now), ack.MessageId);
                }

                break;
            default:
                error = ControlCodec.TryRead(plaintext, out kind, out var messageId, out var reason);
                if (error == BusDecodeError.None)
                {
                    return kind switch
                    {
                        BusFrameKind.Read => Status(Outbound.OnRead(sender, messageId, now), messageId),
                        BusFrameKind.Refuse => Status(Outbound.OnRefuse(sender, messageId, reason, now), messageId),
                        _ => Abort(sender, messageId),
                    };
                }

                break;
        }

        Inbound.Counters.Increment(InboundOutcome.Malformed);
        return new ReceiveOutcome(ReceiveKind.Malformed, 0, default, error);
    }

    /// <summary>End of a batch of received frames: one ack per message that got chunks, then send what the acks that
    /// came in allowed (lost chunks, newly opened windows).</summary>
    public void Flush(DateTimeOffset now, IBusFrameSink sink)
    {
        Inbound.FlushAcks(sink);
        Outbound.Pump(now, sink);
    }

    /// <summary>Timer work: lost chunks, open windows and expiries outbound, idle reassemblies and expiries inbound, pending acks.</summary>
    public void Poll(DateTimeOffset now, IBusFrameSink sink)
    {
        Outbound.Poll(now, sink);
        Inbound.Poll(now);
        Inbound.FlushAcks(sink);
    }

    /// <summary>The durable part of the bus as plain data: unfinished outbound messages, the inbox, delivered ids.</summary>
    public BusState Capture()
    {
        var (inbox, delivered) = Inbound.Capture();
        return new BusState(Outbound.Capture(), inbox, delivered);
    }

    /// <summary>Takes back a <see cref="Capture"/> of an earlier run (call once, on a fresh core); what it skips is counted.</summary>
    public BusRestoreReport Restore(BusState state, DateTimeOffset now)
    {
        var outbound = Outbound.Restore(state.Outbound ?? [], now);
        var inbound = Inbound.Restore(state.Inbox ?? [], state.Delivered ?? [], now);
        return new BusRestoreReport(
            outbound.Restored,
            inbound.Inbox,
            inbound.Delivered,
            outbound.Expired + inbound.Expired,
            outbound.Invalid + inbound.Invalid,
            outbound.NoRoom + inbound.NoRoom);
    }

    private ReceiveOutcome Abort(RouterId sender, ulong messageId)
    {
        Inbound.OnAbort(sender, messageId);
        return new ReceiveOutcome(ReceiveKind.Ignored, messageId, default, BusDecodeError.None);
    }

    private static ReceiveOutcome Status(bool changed, ulong messageId) =>
        new(changed ? ReceiveKind.StatusChanged : ReceiveKind.Ignored, messageId, default, BusDecodeError.None);
}
