using MeshActors.Protocol.Counting;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>Counters of one forwarder, added to by its loops and the link readers.</summary>
public sealed class ForwarderCounters
{
    public CounterSet<ForwardDrop> Drops { get; } = new();

    public CounterSet<ForwardPath> Packets { get; } = new();
}
