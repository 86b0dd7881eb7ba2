namespace MeshActors.Messaging.Api;

/// <summary>
/// Body of <c>POST /api/v1/messages</c> and <c>POST /api/v1/messages/reply/{id}</c>. <c>topic</c> and
/// <c>payload</c> are standard base64 in JSON (System.Text.Json's byte[] encoding, as Mycelium uses).
/// </summary>
public sealed record PushMessageBody(MessageDestinationDto? Dst, byte[]? Topic, byte[]? Payload);
