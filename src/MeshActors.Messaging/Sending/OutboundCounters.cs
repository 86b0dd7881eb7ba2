namespace MeshActors.Messaging.Sending;

/// <summary>
/// What the sender's flow control did, one counter per event. Written only by the owning
/// <see cref="OutboundMessages"/>; the actor copies them into its metrics snapshot.
/// </summary>
public sealed class OutboundCounters
{
    /// <summary>Chunk frames handed to the sink, first sends and resends.</summary>
    public long ChunksSent { get; internal set; }

    /// <summary>Chunks sent again because they were deemed lost (a subset of <see cref="ChunksSent"/>).</summary>
    public long ChunksResent { get; internal set; }

    /// <summary>Window halvings: a loss seen in acks (at most one per window of data).</summary>
    public long WindowReductions { get; internal set; }

    /// <summary>Retransmission timeouts: the window fell to one chunk and the timeout doubled.</summary>
    public long Timeouts { get; internal set; }

    /// <summary>Messages held back because the receiver seemed to have no room to reassemble them.</summary>
    public long MessagesParked { get; internal set; }

    /// <summary>Chunks acknowledged once that a later ack showed the receiver no longer held (it restarted, or dropped
    /// an idle reassembly); sent again.</summary>
    public long ChunksForgotten { get; internal set; }
}
