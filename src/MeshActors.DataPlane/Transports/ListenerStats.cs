using MeshActors.Crypto.Handshake;
using MeshActors.Protocol.Counting;

namespace MeshActors.DataPlane.Transports;

/// <summary>Counters of a listener or UDP endpoint's inbound handshakes.</summary>
public sealed class ListenerStats
{
    public CounterSet<HandshakeEvent> Events { get; } = new();

    /// <summary>Handshakes refused, by reason; <see cref="HandshakeError.Malformed"/> counts garbage.</summary>
    public CounterSet<HandshakeError> Refused { get; } = new();
}
