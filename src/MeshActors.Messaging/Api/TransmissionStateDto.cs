using System.Text.Json.Serialization;

namespace MeshActors.Messaging.Api;

/// <summary>
/// Mycelium's <c>TransmissionState</c>: a bare string (<c>"pending"</c>, <c>"received"</c>, <c>"read"</c>,
/// <c>"aborted"</c>) or, while chunks are in flight, <c>{"sending": {"pending": n, "sent": n, "acked": n}}</c>.
/// </summary>
[JsonConverter(typeof(TransmissionStateConverter))]
public sealed record TransmissionStateDto(string Name, SendingProgressDto? Sending = null)
{
    public const string Pending = "pending";
    public const string Received = "received";
    public const string Read = "read";
    public const string Aborted = "aborted";
    public const string SendingName = "sending";
}

/// <summary>Chunk counters of a message being sent: never sent, sent at least once, acknowledged.</summary>
public sealed record SendingProgressDto(int Pending, int Sent, int Acked);
