using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Sending;

/// <summary>
/// One message to send. <see cref="Deadline"/> null means now + default-deadline. A non-null
/// <see cref="ReplyTo"/> marks the message as a reply to that (received) message id. A non-null
/// <see cref="ReplyTimeout"/> asks the bus to hold the answer to this message for the caller that long.
/// </summary>
public sealed record SendRequest(RouterId Destination, ReadOnlyMemory<byte> Payload)
{
    public ReadOnlyMemory<byte> Topic { get; init; }

    public DateTimeOffset? Deadline { get; init; }

    public ulong? ReplyTo { get; init; }

    public TimeSpan? ReplyTimeout { get; init; }
}
