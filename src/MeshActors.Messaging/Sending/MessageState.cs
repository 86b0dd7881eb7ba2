namespace MeshActors.Messaging.Sending;

/// <summary>Life of an outbound message as the sender sees it.</summary>
public enum MessageState
{
    /// <summary>Accepted, no chunk sent yet.</summary>
    Pending,

    /// <summary>Chunks sent, not all acknowledged.</summary>
    Sending,

    /// <summary>The receiver acknowledged every chunk and put the message in its inbox (Mycelium's "received").</summary>
    Delivered,

    /// <summary>The receiving application took the message from the inbox.</summary>
    Read,

    /// <summary>Given up: see <see cref="AbortReason"/>.</summary>
    Aborted,
}

/// <summary>Why an outbound message was aborted.</summary>
public enum AbortReason
{
    None = 0,

    /// <summary>The deadline passed before every chunk was acknowledged.</summary>
    Expired,

    /// <summary>The receiver refused it: larger than its max-message-size.</summary>
    RefusedTooLarge,

    /// <summary>The receiver refused it: its inbox was full.</summary>
    RefusedInboxFull,
}
