using MeshActors.Crypto.Handshake;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// A link could not be established: the handshake was refused (<see cref="Error"/> says why), timed out, or the
/// transport ended during it. The actor layer backs off before redialling.
/// </summary>
public sealed class LinkHandshakeException(HandshakeError error, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The handshake's refusal reason; <see cref="HandshakeError.None"/> for timeouts and transport failures.</summary>
    public HandshakeError Error { get; } = error;
}
