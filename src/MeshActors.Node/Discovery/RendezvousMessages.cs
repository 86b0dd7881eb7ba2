namespace MeshActors.Node.Discovery;

/// <summary>Asks the rendezvous actor for <see cref="RendezvousStatus"/>.</summary>
public sealed class GetRendezvous
{
    public static readonly GetRendezvous Instance = new();

    private GetRendezvous()
    {
    }
}

/// <summary>How many neighbours the rendezvous knows linked, and its counters.</summary>
public sealed record RendezvousStatus(int Linked, IReadOnlyDictionary<string, long> Counters);
