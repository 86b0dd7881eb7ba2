using MeshActors.DataPlane.Buffers;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// Receives the opened Data payloads of every link: the forwarder. Called on the link's reader (its event loop, or the shared UDP reader); takes
/// ownership of <paramref name="payload"/> (its <see cref="PacketBuffer.Span"/> is the Data payload: data header
/// and the end-to-end sealed part). Must not block.
/// </summary>
public interface ILinkDataSink
{
    void OnData(Link link, PacketBuffer payload);
}
