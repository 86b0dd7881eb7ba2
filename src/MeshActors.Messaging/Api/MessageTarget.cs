using System.Net;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Api;

/// <summary>
/// A validated destination: a public key (usable as is) or an overlay IPv6 address the actor resolves to the key
/// that owns its subnet. Exactly one is set.
/// </summary>
public sealed record MessageTarget(RouterId? Key, IPAddress? Address);

/// <summary>A validated push body: bytes ready for <see cref="Sending.SendRequest"/>.</summary>
public sealed record ValidatedPush(MessageTarget Target, byte[] Topic, byte[] Payload);

/// <summary>Validated <c>GET /api/v1/messages</c> query: pop or peek, long-poll seconds, topic prefix.</summary>
public sealed record ReceiveQuery(bool Peek, TimeSpan Timeout, byte[] TopicPrefix);
