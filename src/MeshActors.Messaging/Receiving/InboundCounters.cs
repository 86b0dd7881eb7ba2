namespace MeshActors.Messaging.Receiving;

/// <summary>
/// Why inbound chunks and messages were not (or not again) delivered, one counter per reason. Written only by the
/// owning <see cref="InboundMessages"/>; the actor copies them into its metrics snapshot.
/// </summary>
public sealed class InboundCounters
{
    public long Delivered { get; internal set; }

    /// <summary>Chunks that were already held (retransmits crossing an ack).</summary>
    public long DuplicateChunks { get; internal set; }

    /// <summary>Chunks of a message already delivered: re-acked, never re-delivered.</summary>
    public long AlreadyDelivered { get; internal set; }

    /// <summary>Messages refused for good because their total exceeds max-message-size.</summary>
    public long RefusedTooLarge { get; internal set; }

    /// <summary>Whole messages refused because the inbox was full (count or bytes).</summary>
    public long RefusedInboxFull { get; internal set; }

    /// <summary>Chunks of a new message dropped unacked: max-reassemblies reached.</summary>
    public long ReassemblyCountFull { get; internal set; }

    /// <summary>Chunks of a new message dropped unacked: max-reassembly-bytes reached.</summary>
    public long ReassemblyBytesFull { get; internal set; }

    /// <summary>Chunks whose count or total disagree with earlier chunks of the same message.</summary>
    public long Inconsistent { get; internal set; }

    /// <summary>Reassemblies discarded after reassembly-idle-timeout or the sender's Abort.</summary>
    public long Abandoned { get; internal set; }

    /// <summary>Replies parked for a waiter that gave up, then found the inbox full.</summary>
    public long OrphanRepliesDropped { get; internal set; }

    /// <summary>Frames that failed to decode.</summary>
    public long Malformed { get; internal set; }
}
