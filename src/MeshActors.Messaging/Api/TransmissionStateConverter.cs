using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshActors.Messaging.Api;

/// <summary>Reads and writes the string-or-object shape of <see cref="TransmissionStateDto"/>.</summary>
public sealed class TransmissionStateConverter : JsonConverter<TransmissionStateDto>
{
    public override TransmissionStateDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new TransmissionStateDto(reader.GetString()!);
        }

        if (reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName
            || reader.GetString() != TransmissionStateDto.SendingName || !reader.Read())
        {
            throw new JsonException("expected a state string or {\"sending\": {…}}");
        }

        var progress = JsonSerializer.Deserialize(ref reader, MessagesJsonContext.Default.SendingProgressDto)
            ?? throw new JsonException("sending progress is null");
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("unexpected property after \"sending\"");
        }

        return new TransmissionStateDto(TransmissionStateDto.SendingName, progress);
    }

    public override void Write(Utf8JsonWriter writer, TransmissionStateDto value, JsonSerializerOptions options)
    {
        if (value.Sending is null)
        {
            writer.WriteStringValue(value.Name);
            return;
        }

        writer.WriteStartObject();
        writer.WritePropertyName(TransmissionStateDto.SendingName);
        JsonSerializer.Serialize(writer, value.Sending, MessagesJsonContext.Default.SendingProgressDto);
        writer.WriteEndObject();
    }
}
