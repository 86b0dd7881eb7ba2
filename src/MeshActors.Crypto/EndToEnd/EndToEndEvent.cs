namespace MeshActors.Crypto.EndToEnd;

/// <summary>What the end-to-end layer counts besides opens; the snake_case name is the metrics name's middle.</summary>
public enum EndToEndEvent
{
    Sealed,
    SessionsCreated,
    SessionsEvicted,
}
