using MeshActors.DataPlane.Links;

namespace MeshActors.DataPlane.Transports;

/// <summary>Dials a peer and returns its started, authenticated <see cref="Link"/>: the <see cref="LinkFactory"/>, or
/// a test's double that fails the way a test needs.</summary>
public interface ILinkDialer
{
    Task<Link> ConnectAsync(PeerUri uri, CancellationToken ct);
}
