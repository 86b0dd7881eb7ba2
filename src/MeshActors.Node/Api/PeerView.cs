using MeshActors.DataPlane.Links;
using MeshActors.Node.Links;

namespace MeshActors.Node.Api;

/// <summary>
/// One peer as <c>GET /api/v1/admin/peers</c> shows it. <c>name</c> is the remote node's name once its key is known
/// (the first 8 hex characters of its key, which is also every node's default <c>node-name</c>); before that, and in
/// <c>actor</c> always, the name of the peer actor that dials or accepted the link.
/// </summary>
public sealed record PeerView(
    string Name,
    string Actor,
    string? Endpoint,
    string? PublicKey,
    PeerState State,
    bool Configured,
    double? RttMs,
    double Loss,
    string? LastError,
    LinkStatsSnapshot? Stats,
    int Restarts)
{
    /// <summary>Hex characters of the key a remote node is named by: as in the default <c>node-name</c>.</summary>
    public const int KeyNameLength = 8;

    public static PeerView From(PeerStatus status) => new(
        status.PublicKey is { Length: >= KeyNameLength } key ? key[..KeyNameLength] : status.Name,
        status.Name,
        status.Endpoint,
        status.PublicKey,
        status.State,
        status.Configured,
        status.RttMs,
        status.Loss,
        status.LastError,
        status.Stats,
        status.Restarts);
}
