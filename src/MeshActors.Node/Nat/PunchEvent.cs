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

    /// <summary>An offer from a peer this node already has a direct link to: nothing to punch, ignored.</summary>
    OffersWhileLinked,

    /// <summary>A rendezvous neighbour's list of nodes to punch towards (each then counts as traffic for that node).</summary>
    IntroductionsReceived,

    /// <summary>An introduction that was malformed, or came while punching is off.</summary>
    IntroductionsRefused,
}
