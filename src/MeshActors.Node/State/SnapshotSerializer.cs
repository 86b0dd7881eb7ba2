using Akka.Serialization;

namespace MeshActors.Node.State;

/// <summary>
/// Akka.Serialization.Hyperion configured for local snapshot files only: unsafe types refused, and a type filter
/// that admits exactly <see cref="SnapshotTypes.Allowed"/>, so a file naming any other type fails to load. Never used
/// on bytes from the network (the wire format is MeshActors.Protocol's own codec). No actor system: our state types
/// need none of Akka's surrogates. Thread-safe.
/// </summary>
public sealed class SnapshotSerializer
{
    private readonly HyperionSerializer _hyperion;

    public SnapshotSerializer()
    {
        // No reference tracking (the state is a tree) and no per-field manifests (the section version in the file
        // header says which layout it is): both only cost time here.
        var settings = HyperionSerializerSettings.Default
            .WithPreserveObjectReference(false)
            .WithVersionTolerance(false)
            .WithDisallowUnsafeType(true)
            .WithTypeFilter(new AllowListTypeFilter(SnapshotTypes.Allowed));
        _hyperion = new HyperionSerializer(null!, settings);
    }

    public byte[] Serialize(object state)
    {
        if (!SnapshotTypes.Allowed.Contains(state.GetType()))
        {
            throw new ArgumentException($"{state.GetType()} is not on the snapshot allow-list", nameof(state));
        }

        return _hyperion.ToBinary(state);
    }

    /// <summary>The state in <paramref name="payload"/>; throws when it is malformed or names a type not allowed.</summary>
    public object Deserialize(ReadOnlyMemory<byte> payload) => _hyperion.FromBinary(payload.ToArray(), typeof(object));
}
