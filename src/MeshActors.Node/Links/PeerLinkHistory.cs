namespace MeshActors.Node.Links;

/// <summary>
/// What one dialled peer's <see cref="PeerLink"/> keeps across its restarts: the backoff attempt, the restart count
/// and the last error. Created with the actor's props, so every incarnation of that actor gets the same object, and
/// only that actor (one incarnation at a time) touches it.
/// </summary>
public sealed class PeerLinkHistory
{
    /// <summary>Failed attempts since the last link came up: the exponent of the next backoff.</summary>
    public int Attempt { get; set; }

    /// <summary>Restarts by the manager's supervisor strategy (each lost link and each unexpected failure).</summary>
    public int Restarts { get; set; }

    public string? LastError { get; set; }
}
