namespace MeshActors.Messaging.Receiving;

/// <summary>What one received chunk did.</summary>
public enum ChunkOutcome
{
    /// <summary>Stored; the message is not whole yet.</summary>
    Stored,

    /// <summary>Already held, or part of a message already delivered: re-acked only.</summary>
    Duplicate,

    /// <summary>Completed a message, now in the inbox.</summary>
    Delivered,

    /// <summary>Completed a reply someone waits for; parked in <see cref="ReplyWaiters"/>, not in the inbox.</summary>
    ReplyParked,

    /// <summary>The message was refused for good (too large, inbox full); a Refuse frame went to the sender.</summary>
    Refused,

    /// <summary>Dropped unacked for now (reassembly limits, inconsistent totals); the sender will retry.</summary>
    Dropped,
}
