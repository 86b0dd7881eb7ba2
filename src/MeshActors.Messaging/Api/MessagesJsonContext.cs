using System.Text.Json.Serialization;

namespace MeshActors.Messaging.Api;

/// <summary>
/// Source-generated (trim- and AOT-safe) JSON for the message API. camelCase like Mycelium; nulls are omitted so
/// an absent topic is absent, as Mycelium writes it.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PushMessageBody))]
[JsonSerializable(typeof(PushMessageResponseId))]
[JsonSerializable(typeof(InboundMessageDto))]
[JsonSerializable(typeof(MessageStatusResponse))]
[JsonSerializable(typeof(SendingProgressDto))]
[JsonSerializable(typeof(ApiError))]
public sealed partial class MessagesJsonContext : JsonSerializerContext;
