using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Receiving;

/// <summary>Message ids are chosen by senders, so a message is known by (sender key, id).</summary>
internal readonly record struct MessageKey(RouterId Sender, ulong Id);
