namespace MeshActors.Messaging.Api;

/// <summary>
/// <c>dst</c> of a push body, Mycelium-compatible: exactly one of <c>{"ip": "&lt;overlay IPv6&gt;"}</c> or
/// <c>{"pk": "&lt;64 hex chars&gt;"}</c>. Both are nullable so a missing or doubled field becomes a 400 with the
/// field named (<see cref="MessageApiValidation"/>) rather than a serializer exception.
/// </summary>
public sealed record MessageDestinationDto(string? Ip, string? Pk);
