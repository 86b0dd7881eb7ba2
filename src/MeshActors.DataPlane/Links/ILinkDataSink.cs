using MeshActors.DataPlane.Buffers;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// Receives the opened Data payloads of every link: the forwarder. Called on the link's reader thread; takes
/// ownership of <paramref name="payload"/> (its <see cref="PacketBuffer.Span"/> is the Data payload: data header
/// and the end-to-end sealed part). Must not block.
/// </summary>
public interface ILinkDataSink
{
    void OnData(Link link, PacketBuffer payload);
}

/// <summary>
/// Receives a link's low-rate frames (Hello, Ihu, Control, KeepAlive) on the link's reader thread. The payload
/// span is valid only during the call: the actor layer copies it into a message. Must not block.
/// </summary>
public delegate void ControlFrameHandler(Link link, FrameType type, ReadOnlySpan<byte> payload);
