namespace MeshActors.Messaging.Receiving;

/// <summary>Why inbound chunks and messages were not (or not again) delivered, counted in
/// <see cref="InboundMessages.Counters"/>; the snake_case name is the metrics label.</summary>
public enum InboundOutcome
{
    Delivered,

    /// <summary>Chunks that were already held (retransmits crossing an ack).</summary>
    DuplicateChunks,

    /// <summary>Chunks of a message already delivered: re-acked, never re-delivered.</summary>
    AlreadyDelivered,

    /// <summary>Messages refused for good because their total exceeds max-message-size.</summary>
    RefusedTooLarge,

    /// <summary>Whole messages refused because the inbox was full (count or bytes).</summary>
    RefusedInboxFull,

    /// <summary>Chunks of a new message dropped unacked: max-reassemblies reached.</summary>
    ReassemblyCountFull,

    /// <summary>Chunks of a new message dropped unacked: max-reassembly-bytes reached.</summary>
    ReassemblyBytesFull,

    /// <summary>Chunks whose count or total disagree with earlier chunks of the same message.</summary>
    Inconsistent,

    /// <summary>Reassemblies discarded after reassembly-idle-timeout or the sender's Abort.</summary>
    Abandoned,

    /// <summary>Replies parked for a waiter that gave up, then found the inbox full.</summary>
    OrphanRepliesDropped,

    /// <summary>Frames that failed to decode.</summary>
    Malformed,
}
