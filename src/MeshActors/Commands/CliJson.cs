using System.Text.Json.Serialization;

namespace MeshActors.Cli.Commands;

/// <summary>JSON the CLI prints: camelCase like Mycelium's CLI, source-generated.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InspectResult))]
internal sealed partial class CliJson : JsonSerializerContext;
