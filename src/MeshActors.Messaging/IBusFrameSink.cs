using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging;

/// <summary>
/// Where the bus cores put the plaintext frames they want sent. The span is the core's scratch buffer, valid only
/// during the call: the implementation copies it (into a data-plane buffer with headroom for sealing, or a test
/// channel) and must not call back into the core synchronously.
/// </summary>
public interface IBusFrameSink
{
    void Send(RouterId destination, ReadOnlySpan<byte> plaintext);
}
