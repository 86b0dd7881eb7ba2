namespace MeshActors.Node.Nat;

/// <summary>What became of a reflection a neighbour sent; the snake_case name is the metrics and API label.</summary>
public enum ReflectionOutcome
{
    Accepted,

    /// <summary>Sent over a TCP link: says nothing about the UDP socket.</summary>
    Tcp,

    Malformed,

    /// <summary>Refused because the most neighbours whose reflections are held already had one held.</summary>
    Refused,
}
