using MeshActors.Messaging.Wire;

namespace MeshActors.Messaging.Sending;

/// <summary>Outcome of <see cref="OutboundMessages.Send"/>: the new message id, or why it was refused.</summary>
public readonly record struct SendResult(ulong MessageId, SendError Error)
{
    public bool IsSuccess => Error == SendError.None;

    /// <summary>A sentence for the API's problem body naming the limit and its config key.</summary>
    public string Describe(MessageBusSettings settings) => Error switch
    {
        SendError.None => "accepted",
        SendError.MessageTooLarge => $"payload exceeds {settings.MaxMessageSize} bytes ({MessageBusSettings.Keys.MaxMessageSize})",
        SendError.TopicTooLong => $"topic exceeds {BusFrameLayout.MaxTopicLength} bytes",
        SendError.TooManyInFlight => $"{settings.MaxInFlight} messages already in flight ({MessageBusSettings.Keys.MaxInFlight}); retry later",
        SendError.DeadlineNotInFuture => "deadline is not in the future",
        SendError.DeadlineTooFar => $"deadline is more than {settings.DeliveredIdRetention} away ({MessageBusSettings.Keys.DeliveredIdRetention})",
        SendError.TooManyReplyWaiters => $"{settings.MaxInFlight} senders already wait for replies ({MessageBusSettings.Keys.MaxInFlight}); retry later",
        _ => Error.ToString(),
    };
}
