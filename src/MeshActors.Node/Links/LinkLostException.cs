namespace MeshActors.Node.Links;

/// <summary>
/// The established link of a dialled peer ended (socket reset or end of stream, framing broken, session expired, the
/// peer closed it, or silence past <c>links.dead-after</c>): a transient failure. The <see cref="PeerLink"/> throws
/// it so that the <see cref="PeerManager"/>'s strategy restarts it, and the new incarnation redials after a backoff.
/// </summary>
public sealed class LinkLostException(string message, Exception? inner = null) : Exception(message, inner);
