using MeshActors.DataPlane.Links;

namespace MeshActors.Node.Links;

public enum PeerState
{
    Connecting,
    BackingOff,
    Up,
    Standby,

    /// <summary>A configured peer whose URI this node cannot use (a transport it does not support): its actor was
    /// stopped and is not retried.</summary>
    Failed,
}

/// <summary>What the API and <c>peers list</c> show for one peer actor; <paramref name="Restarts"/> counts the
/// restarts of a dialled peer's actor by the manager (each lost link and each unexpected failure).</summary>
public sealed record PeerStatus(
    string Name,
    string? Endpoint,
    string? PublicKey,
    PeerState State,
    bool Configured,
    double? RttMs,
    double Loss,
    string? LastError,
    LinkStatsSnapshot? Stats,
    int Restarts);
