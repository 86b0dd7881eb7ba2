using System.Net.Sockets;

namespace MeshActors.DataPlane.Transports;

/// <summary>One listen endpoint could not be opened; names it, so the operator knows whether TCP or UDP is taken.</summary>
public sealed class ListenFailedException(PeerUri endpoint, SocketException inner)
    : Exception($"cannot listen on {endpoint}: {inner.Message}", inner)
{
    public PeerUri Endpoint { get; } = endpoint;

    public SocketError Error { get; } = inner.SocketErrorCode;
}
