namespace MeshActors.Messaging.Api;

/// <summary>
/// A received message as <c>GET /api/v1/messages</c> (and a push that got its reply) returns it. Keys are hex,
/// addresses IPv6 text, topic and payload base64; <c>topic</c> is omitted when the message had none.
/// </summary>
public sealed record InboundMessageDto(
    string Id,
    string SrcIp,
    string SrcPk,
    string DstIp,
    string DstPk,
    byte[]? Topic,
    byte[] Payload);
