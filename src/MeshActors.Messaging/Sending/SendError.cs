namespace MeshActors.Messaging.Sending;

/// <summary>Why a send was refused before anything went on the wire.</summary>
public enum SendError
{
    None = 0,

    /// <summary>Payload longer than max-message-size.</summary>
    MessageTooLarge,

    /// <summary>Topic longer than 255 bytes.</summary>
    TopicTooLong,

    /// <summary>max-in-flight messages are still being sent.</summary>
    TooManyInFlight,

    /// <summary>The deadline is not after now.</summary>
    DeadlineNotInFuture,

    /// <summary>The deadline is further away than delivered-id-retention, so exactly-once could not be promised.</summary>
    DeadlineTooFar,

    /// <summary>max-in-flight callers are already waiting for replies.</summary>
    TooManyReplyWaiters,
}
