using MeshActors.DataPlane.Links;

namespace MeshActors.Node.Links;

public enum PeerState
{
    Connecting,
    BackingOff,
    Up,
    Standby,
}

/// <summary>What the API and <c>peers list</c> show for one peer actor.</summary>
public sealed record PeerStatus(
    string Name,
    string? Endpoint,
    string? PublicKey,
    PeerState State,
    bool Configured,
    double? RttMs,
    double Loss,
    string? LastError,
    LinkStatsSnapshot? Stats);
