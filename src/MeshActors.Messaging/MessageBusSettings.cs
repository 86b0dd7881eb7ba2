using MeshActors.Messaging.Wire;

namespace MeshActors.Messaging;

/// <summary>
/// Tuning values of the message bus, read once from HOCON (keys in <see cref="Keys"/>). Every limit bounds memory:
/// worst case outbound ≈ MaxInFlight × MaxMessageSize, inbound ≈ MaxReassemblyBytes + MaxInboxBytes.
/// </summary>
public sealed record MessageBusSettings
{
    /// <summary>Largest payload of one message, bytes. 1 MiB: big enough for config blobs and small files, small
    /// enough that a full in-flight table (64 × 1 MiB) stays modest.</summary>
    public int MaxMessageSize { get; init; } = 1 << 20;

    /// <summary>Largest bus frame (plaintext before sealing), bytes; see <see cref="BusFrameLayout.DefaultFrameSize"/>.</summary>
    public int MaxFrameSize { get; init; } = BusFrameLayout.DefaultFrameSize;

    /// <summary>Outbound messages not yet delivered, aborted or expired. New sends beyond this are refused.</summary>
    public int MaxInFlight { get; init; } = 64;

    /// <summary>Messages waiting in the inbox. When full, new messages are refused (sender sees InboxFull).</summary>
    public int MaxInboxMessages { get; init; } = 1024;

    /// <summary>Payload bytes waiting in the inbox, 64 MiB. Same refusal policy as the count.</summary>
    public long MaxInboxBytes { get; init; } = 64L << 20;

    /// <summary>Messages being reassembled at once. Chunks of a further message are dropped unacked (the sender
    /// retries later), counted as ReassemblyCountFull.</summary>
    public int MaxReassemblies { get; init; } = 64;

    /// <summary>Bytes reserved by reassembly buffers at once, 32 MiB; over it chunks of new messages are dropped
    /// unacked, counted as ReassemblyBytesFull.</summary>
    public long MaxReassemblyBytes { get; init; } = 32L << 20;

    /// <summary>A reassembly with no new chunk for this long is discarded (its sender is gone): 2 min, well above
    /// <see cref="MaxRetransmitInterval"/>.</summary>
    public TimeSpan ReassemblyIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Retransmission timeout towards a destination before any round trip was measured, 500 ms: a few
    /// mesh round trips. Afterwards the timeout follows the measured round trip (RFC 6298).</summary>
    public TimeSpan InitialRetransmitInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Floor of the measured retransmission timeout, 200 ms (Linux TCP's RTO_min): on a sub-millisecond
    /// path a GC pause or a busy actor must not look like loss and collapse the send window. Independent of
    /// <see cref="InitialRetransmitInterval"/>, which applies only before the first measurement.</summary>
    public TimeSpan MinRetransmitInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Backoff cap, 10 s: the timeout doubles per timeout without progress up to this, so an unreachable
    /// destination costs one chunk per 10 s until the deadline.</summary>
    public TimeSpan MaxRetransmitInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Chunks a destination may have unacknowledged before its first ack, 64: every message of a full
    /// in-flight table of small messages goes out at once, and a cold start is 64 frames, not 959.</summary>
    public int InitialSendWindow { get; init; } = 64;

    /// <summary>Most chunks a destination may have unacknowledged, 1,024: a quarter of the receiver's bus inlet
    /// (<see cref="ReceiverInletFrames"/>), so four senders at full window fit it, and one link send ring (1,024).</summary>
    public int MaxSendWindow { get; init; } = 1024;

    /// <summary>Deadline when the caller gives none: 5 min, Mycelium's default try duration.</summary>
    public TimeSpan DefaultDeadline { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a delivered message id is remembered per sender, 10 min. A late retransmit within this
    /// is re-acked, not re-delivered; deadlines longer than this are refused so exactly-once holds.</summary>
    public TimeSpan DeliveredIdRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Remembered delivered ids across all senders; the oldest is forgotten first when full.</summary>
    public int MaxDeliveredIds { get; init; } = 65_536;

    /// <summary>How long the status of a finished outbound message stays queryable, 10 min.</summary>
    public TimeSpan StatusRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Finished outbound statuses kept; the oldest is forgotten first when full.</summary>
    public int MaxStatusEntries { get; init; } = 4096;

    /// <summary>Frames a receiving node's bus inlet holds before it drops (the Node's <c>BusInlet</c>): no single
    /// sender's window may exceed it, or that sender alone overflows the receiver.</summary>
    public const int ReceiverInletFrames = 4096;

    /// <summary>Throws <see cref="ArgumentException"/> naming the config key of the first bad value.</summary>
    public void Validate()
    {
        Require(MaxMessageSize > 0, Keys.MaxMessageSize, "must be positive");
        Require(MaxFrameSize is >= BusFrameLayout.MinFrameSize and <= BusFrameLayout.MaxFrameSize, Keys.MaxFrameSize,
            $"must be between {BusFrameLayout.MinFrameSize} and {BusFrameLayout.MaxFrameSize} bytes");
        Require(MaxInFlight > 0, Keys.MaxInFlight, "must be positive");
        Require(MaxInboxMessages > 0, Keys.MaxInboxMessages, "must be positive");
        Require(MaxInboxBytes >= MaxMessageSize, Keys.MaxInboxBytes, $"must be at least {Keys.MaxMessageSize}");
        Require(MaxReassemblies > 0, Keys.MaxReassemblies, "must be positive");
        Require(MaxReassemblyBytes >= MaxMessageSize, Keys.MaxReassemblyBytes, $"must be at least {Keys.MaxMessageSize}");
        Require(ReassemblyIdleTimeout > MaxRetransmitInterval, Keys.ReassemblyIdleTimeout, $"must exceed {Keys.MaxRetransmitInterval}");
        Require(InitialRetransmitInterval > TimeSpan.Zero, Keys.InitialRetransmitInterval, "must be positive");
        Require(MaxRetransmitInterval >= InitialRetransmitInterval, Keys.MaxRetransmitInterval, $"must be at least {Keys.InitialRetransmitInterval}");
        Require(MinRetransmitInterval > TimeSpan.Zero && MinRetransmitInterval <= MaxRetransmitInterval, Keys.MinRetransmitInterval,
            $"must be positive and at most {Keys.MaxRetransmitInterval}");
        Require(MaxSendWindow is > 0 and <= ReceiverInletFrames, Keys.MaxSendWindow,
            $"must be between 1 and {ReceiverInletFrames} chunks (the receiver's bus inlet)");
        Require(InitialSendWindow > 0 && InitialSendWindow <= MaxSendWindow, Keys.InitialSendWindow, $"must be between 1 and {Keys.MaxSendWindow}");
        Require(DefaultDeadline > TimeSpan.Zero && DefaultDeadline <= DeliveredIdRetention, Keys.DefaultDeadline,
            $"must be positive and at most {Keys.DeliveredIdRetention}");
        Require(MaxDeliveredIds > 0, Keys.MaxDeliveredIds, "must be positive");
        Require(StatusRetention > TimeSpan.Zero, Keys.StatusRetention, "must be positive");
        Require(MaxStatusEntries > 0, Keys.MaxStatusEntries, "must be positive");
    }

    private static void Require(bool condition, string key, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{key} {problem}");
        }
    }

    /// <summary>HOCON keys, one per property above, under <c>meshactors.messages</c>.</summary>
    public static class Keys
    {
        public const string MaxMessageSize = "meshactors.messages.max-message-size";
        public const string MaxFrameSize = "meshactors.messages.max-frame-size";
        public const string MaxInFlight = "meshactors.messages.max-in-flight";
        public const string MaxInboxMessages = "meshactors.messages.max-inbox-messages";
        public const string MaxInboxBytes = "meshactors.messages.max-inbox-bytes";
        public const string MaxReassemblies = "meshactors.messages.max-reassemblies";
        public const string MaxReassemblyBytes = "meshactors.messages.max-reassembly-bytes";
        public const string ReassemblyIdleTimeout = "meshactors.messages.reassembly-idle-timeout";
        public const string InitialRetransmitInterval = "meshactors.messages.initial-retransmit-interval";
        public const string MinRetransmitInterval = "meshactors.messages.min-retransmit-interval";
        public const string MaxRetransmitInterval = "meshactors.messages.max-retransmit-interval";
        public const string InitialSendWindow = "meshactors.messages.initial-send-window";
        public const string MaxSendWindow = "meshactors.messages.max-send-window";
        public const string DefaultDeadline = "meshactors.messages.default-deadline";
        public const string DeliveredIdRetention = "meshactors.messages.delivered-id-retention";
        public const string MaxDeliveredIds = "meshactors.messages.max-delivered-ids";
        public const string StatusRetention = "meshactors.messages.status-retention";
        public const string MaxStatusEntries = "meshactors.messages.max-status-entries";
    }
}
