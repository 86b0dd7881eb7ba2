namespace MeshActors.Node.Nat;

/// <summary>Hole-punching attempts and signals; the snake_case name is the metrics and API label.</summary>
public enum PunchEvent
{
    Started,
    Succeeded,
    Failed,
    OffersReceived,
    AnswersReceived,
    SignalsRefused,
}
