namespace MeshActors.Messaging.Sending;

/// <summary>What the sender's flow control counts (<see cref="OutboundMessages.Counters"/>); the snake_case name is
/// the metrics label.</summary>
public enum OutboundEvent
{
    /// <summary>Chunk frames handed to the sink, first sends and resends.</summary>
    ChunksSent,

    /// <summary>Chunks sent again because they were deemed lost (a subset of <see cref="ChunksSent"/>).</summary>
    ChunksResent,

    /// <summary>Window halvings: a loss seen in acks (at most one per window of data).</summary>
    WindowReductions,

    /// <summary>Retransmission timeouts: the window fell to one chunk and the timeout doubled.</summary>
    Timeouts,

    /// <summary>Messages held back because the receiver seemed to have no room to reassemble them.</summary>
    MessagesParked,

    /// <summary>Chunks acknowledged once that a later ack showed the receiver no longer held (it restarted, or dropped
    /// an idle reassembly); sent again.</summary>
    ChunksForgotten,
}
