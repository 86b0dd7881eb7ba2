using MeshActors.Protocol.Counting;

namespace MeshActors.Crypto.EndToEnd;

/// <summary>Counters of one node's end-to-end layer, added to from the data-plane threads.</summary>
public sealed class EndToEndCounters
{
    /// <summary>Every open attempt by its outcome; <see cref="CounterSet{TKey}.Total"/> is zero on a pure relay.</summary>
    public CounterSet<EndToEndStatus> Opens { get; } = new();

    public CounterSet<EndToEndEvent> Events { get; } = new();
}
