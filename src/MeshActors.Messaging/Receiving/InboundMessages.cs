using MeshActors.Protocol.Counting;
using MeshActors.Messaging.Persistence;
using MeshActors.Messaging.Wire;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Receiving;

/// <summary>
/// Receiver half of the bus: bounded reassembly, exactly-once delivery (delivered ids remembered per sender),
/// the bounded inbox, acks and read receipts. Single owner (the MessageBus actor); time is passed in.
/// Acks are batched: chunks only mark their message "ack due", and <see cref="FlushAcks"/> sends one ack per
/// marked message, so a burst of N chunks costs one ack, not N. With <see cref="HoldCompletionAcks"/> (durable state)
/// the ack that tells a sender its message is delivered waits until a snapshot holding that message is saved
/// (<see cref="ReleaseSaved"/>), so "delivered" survives a crash of this node.
/// </summary>
public sealed class InboundMessages
{
    private readonly MessageBusSettings _settings;
    private readonly ReplyWaiters _replies;
    private readonly Dictionary<MessageKey, Reassembly> _reassemblies = [];
    private readonly HashSet<MessageKey> _ackDue = [];
    private readonly DeliveredIds _delivered;
    private readonly Inbox _inbox;
    private readonly List<MessageKey> _stale = [];
    private readonly List<ReceivedMessage> _orphans = [];
    private readonly HashSet<MessageKey> _unsaved = [];
    private readonly byte[] _scratch;

    public InboundMessages(MessageBusSettings settings, ReplyWaiters replies)
    {
        settings.Validate();
        _settings = settings;
        _replies = replies;
        _delivered = new DeliveredIds(settings);
        _inbox = new Inbox(settings);
        _scratch = new byte[settings.MaxFrameSize];
    }

    public CounterSet<InboundOutcome> Counters { get; } = new();

    /// <summary>Hold back the "complete" ack of each newly delivered message until <see cref="ReleaseSaved"/>.</summary>
    public bool HoldCompletionAcks { get; set; }

    /// <summary>Messages delivered since the last <see cref="ReleaseSaved"/>: a snapshot is due.</summary>
    public bool HasUnsaved => _unsaved.Count > 0;

    public int InboxCount => _inbox.Count;

    public long InboxBytes => _inbox.Bytes;

    public int ReassemblyCount => _reassemblies.Count;

    public long ReassemblyBytes { get; private set; }

    internal ChunkOutcome OnChunk(RouterId sender, in ChunkFrame chunk, DateTimeOffset now, IBusFrameSink sink)
    {
        var key = new MessageKey(sender, chunk.MessageId);
        if (_delivered.Contains(key))
        {
            Counters.Increment(InboundOutcome.AlreadyDelivered);
            _ackDue.Add(key);
            return ChunkOutcome.Duplicate;
        }

        if (!_reassemblies.TryGetValue(key, out var reassembly))
        {
            var refusal = Admit(chunk.TotalLength);
            if (refusal == ChunkOutcome.Refused)
            {
                SendControl(sink, sender, BusFrameKind.Refuse, chunk.MessageId, RefuseReason.TooLarge);
            }

            if (refusal != ChunkOutcome.Stored)
            {
                return refusal;
            }

            reassembly = new Reassembly(chunk.Count, chunk.TotalLength, now);
            _reassemblies.Add(key, reassembly);
            ReassemblyBytes += chunk.TotalLength;
        }
        else if (!reassembly.Matches(chunk))
        {
            Counters.Increment(InboundOutcome.Inconsistent);
            return ChunkOutcome.Dropped;
        }

        _ackDue.Add(key);
        if (!reassembly.Add(chunk, now))
        {
            Counters.Increment(InboundOutcome.DuplicateChunks);
            return ChunkOutcome.Duplicate;
        }

        return reassembly.Received.IsComplete ? Complete(key, reassembly, now, sink) : ChunkOutcome.Stored;
    }

    /// <summary>The sender gave up: free its reassembly.</summary>
    internal void OnAbort(RouterId sender, ulong id)
    {
        if (Discard(new MessageKey(sender, id)))
        {
            Counters.Increment(InboundOutcome.Abandoned);
        }
    }

    /// <summary>Sends one ack per message that received chunks since the last flush.</summary>
    public void FlushAcks(IBusFrameSink sink)
    {
        foreach (var key in _ackDue)
        {
            if (_unsaved.Contains(key))
            {
                continue;
            }

            int written;
            if (_reassemblies.TryGetValue(key, out var reassembly))
            {
                written = AckCodec.WriteRanges(_scratch, key.Id, reassembly.Received);
            }
            else if (_delivered.Contains(key))
            {
                written = AckCodec.WriteComplete(_scratch, key.Id);
            }
            else
            {
                continue;
            }

            sink.Send(key.Sender, _scratch.AsSpan(0, written));
        }

        _ackDue.Clear();
    }

    /// <summary>A snapshot holding every message delivered so far is saved: their completing acks may go now.</summary>
    public void ReleaseSaved()
    {
        _ackDue.UnionWith(_unsaved);
        _unsaved.Clear();
    }

    /// <summary>The inbox (and replies parked for a waiter, which go to the inbox after a restart) and the delivered ids, as
    /// plain data for a snapshot.</summary>
    public (StoredInbound[] Inbox, DeliveredMark[] Delivered) Capture()
    {
        var inbox = _inbox.Messages.Concat(_replies.ParkedReplies)
            .Select(m => new StoredInbound(m.Sender.ToBytes(), m.Id, m.Topic, m.Payload, m.ReplyTo.HasValue, m.ReplyTo ?? 0, m.ReceivedAt.UtcTicks))
            .ToArray();
        var delivered = _delivered.Entries.Select(e => new DeliveredMark(e.Key.Sender.ToBytes(), e.Key.Id, e.Expires.UtcTicks)).ToArray();
        return (inbox, delivered);
    }

    /// <summary>
    /// Takes back a snapshot's inbox and delivered ids. Expiries are capped at now + delivered-id-retention; entries with a
    /// bad key, an expired mark, or beyond the inbox and delivered-id limits are left out and counted.
    /// </summary>
    internal (int Inbox, int Delivered, int Expired, int Invalid, int NoRoom) Restore(
        IEnumerable<StoredInbound> inbox, IEnumerable<DeliveredMark> delivered, DateTimeOffset now)
    {
        var (stored, remembered, expired, invalid, noRoom) = (0, 0, 0, 0, 0);
        var latest = now + _settings.DeliveredIdRetention;
        foreach (var mark in delivered.OrderBy(mark => mark?.ExpiresTicks ?? 0))
        {
            if (mark?.IsComplete != true || mark.Sender.Length != RouterId.Size || mark.ExpiresTicks < 0)
            {
                invalid++;
            }
            else if (mark.ExpiresTicks <= now.UtcTicks)
            {
                expired++;
            }
            else
            {
                var expires = new DateTimeOffset(Math.Min(mark.ExpiresTicks, latest.UtcTicks), TimeSpan.Zero);
                _delivered.AddUntil(new MessageKey(RouterId.FromBytes(mark.Sender), mark.Id), expires);
                remembered++;
            }
        }

        foreach (var entry in inbox)
        {
            if (entry?.IsComplete != true || entry.Sender.Length != RouterId.Size || entry.Topic.Length > BusFrameLayout.MaxTopicLength
                || entry.Payload.Length > _settings.MaxMessageSize || entry.ReceivedTicks < 0 || entry.ReceivedTicks > DateTimeOffset.MaxValue.UtcTicks)
            {
                invalid++;
                continue;
            }

            var key = new MessageKey(RouterId.FromBytes(entry.Sender), entry.Id);
            var message = new ReceivedMessage(
                key.Sender, key.Id, entry.Topic, entry.Payload, entry.IsReply ? entry.ReplyTo : null, new DateTimeOffset(entry.ReceivedTicks, TimeSpan.Zero));
            if (!_inbox.TryAdd(message))
            {
                noRoom++;
                continue;
            }

            // A message in the inbox was delivered: a retransmit of it must be re-acked, never delivered again.
            _delivered.AddUntil(key, latest);
            stored++;
        }

        return (stored, remembered, expired, invalid, noRoom);
    }

    /// <summary>Discards idle reassemblies, forgets expired delivered ids, ends reply waits whose time is up.</summary>
    public void Poll(DateTimeOffset now)
    {
        foreach (var (key, reassembly) in _reassemblies)
        {
            if (now - reassembly.LastActivity >= _settings.ReassemblyIdleTimeout)
            {
                _stale.Add(key);
            }
        }

        foreach (var key in _stale)
        {
            Discard(key);
            Counters.Increment(InboundOutcome.Abandoned);
        }

        _stale.Clear();
        _delivered.Prune(now);
        _replies.Expire(now, _orphans);
        foreach (var reply in _orphans)
        {
            if (!_inbox.TryAdd(reply))
            {
                Counters.Increment(InboundOutcome.OrphanRepliesDropped);
            }
        }

        _orphans.Clear();
    }

    /// <summary>Oldest inbox message whose topic starts with <paramref name="topicPrefix"/>, left in the inbox.</summary>
    public ReceivedMessage? Peek(ReadOnlySpan<byte> topicPrefix) => _inbox.Peek(topicPrefix);

    /// <summary>Takes the oldest matching message from the inbox and sends its sender a read receipt.</summary>
    public ReceivedMessage? Pop(ReadOnlySpan<byte> topicPrefix, IBusFrameSink sink)
    {
        var message = _inbox.Pop(topicPrefix);
        if (message is not null)
        {
            SendControl(sink, message.Sender, BusFrameKind.Read, message.Id);
        }

        return message;
    }

    /// <summary>Whether a new message of <paramref name="totalLength"/> bytes may start reassembling.</summary>
    private ChunkOutcome Admit(int totalLength)
    {
        if (totalLength > _settings.MaxMessageSize)
        {
            Counters.Increment(InboundOutcome.RefusedTooLarge);
            return ChunkOutcome.Refused;
        }

        if (_reassemblies.Count >= _settings.MaxReassemblies)
        {
            Counters.Increment(InboundOutcome.ReassemblyCountFull);
            return ChunkOutcome.Dropped;
        }

        if (ReassemblyBytes + totalLength > _settings.MaxReassemblyBytes)
        {
            Counters.Increment(InboundOutcome.ReassemblyBytesFull);
            return ChunkOutcome.Dropped;
        }

        return ChunkOutcome.Stored;
    }

    private ChunkOutcome Complete(MessageKey key, Reassembly reassembly, DateTimeOffset now, IBusFrameSink sink)
    {
        Discard(key);
        var message = reassembly.ToMessage(key, now);
        ChunkOutcome outcome;
        if (_replies.TryPark(message))
        {
            outcome = ChunkOutcome.ReplyParked;
        }
        else if (_inbox.TryAdd(message))
        {
            outcome = ChunkOutcome.Delivered;
        }
        else
        {
            Counters.Increment(InboundOutcome.RefusedInboxFull);
            _ackDue.Remove(key);
            SendControl(sink, key.Sender, BusFrameKind.Refuse, key.Id, RefuseReason.InboxFull);
            return ChunkOutcome.Refused;
        }

        Counters.Increment(InboundOutcome.Delivered);
        _delivered.Add(key, now);
        if (HoldCompletionAcks)
        {
            _unsaved.Add(key);
        }

        return outcome;
    }

    private bool Discard(MessageKey key)
    {
        if (!_reassemblies.Remove(key, out var reassembly))
        {
            return false;
        }

        ReassemblyBytes -= reassembly.TotalLength;
        return true;
    }

    private void SendControl(IBusFrameSink sink, RouterId destination, BusFrameKind kind, ulong id, RefuseReason reason = default)
    {
        var written = ControlCodec.Write(_scratch, kind, id, reason);
        sink.Send(destination, _scratch.AsSpan(0, written));
    }
}
