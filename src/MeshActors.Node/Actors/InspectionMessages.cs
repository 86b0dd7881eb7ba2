namespace MeshActors.Node.Actors;

/// <summary>Ask the inspection actor for the live actor tree under the node guardian.</summary>
public sealed record GetActorTree
{
    public static readonly GetActorTree Instance = new();
}

/// <summary>
/// One live actor: its path (without the system address), its class, messages waiting in its mailbox, and how often
/// it failed (each failure is a restart, or a stop-and-recreate for children of a backoff supervisor).
/// </summary>
public sealed record ActorEntry(string Path, string Type, int Mailbox, int Restarts);

public sealed record ActorTree(IReadOnlyList<ActorEntry> Actors);
