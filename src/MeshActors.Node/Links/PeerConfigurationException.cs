using MeshActors.DataPlane.Transports;

namespace MeshActors.Node.Links;

/// <summary>
/// A configured peer this node cannot dial however often it tries (a transport it does not run, e.g. QUIC without
/// libmsquic): the <see cref="PeerManager"/> stops that peer's actor, logs the message once and shows the peer as
/// <see cref="PeerState.Failed"/>. Only that peer stops; the node runs on.
/// </summary>
public sealed class PeerConfigurationException(PeerUri peer, string message, Exception? inner = null) : Exception(message, inner)
{
    public PeerUri Peer { get; } = peer;
}
