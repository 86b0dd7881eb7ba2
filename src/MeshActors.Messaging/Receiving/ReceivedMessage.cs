using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Receiving;

/// <summary>A whole message delivered to this node. <see cref="Topic"/> is empty when the sender gave none.</summary>
public sealed record ReceivedMessage(
    RouterId Sender,
    ulong Id,
    byte[] Topic,
    byte[] Payload,
    ulong? ReplyTo,
    DateTimeOffset ReceivedAt);
