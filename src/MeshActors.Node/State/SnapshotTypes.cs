using MeshActors.Messaging.Persistence;

namespace MeshActors.Node.State;

/// <summary>
/// The only types a snapshot may contain; the serializer refuses to read any other type named in a file. Each
/// section's record types and the arrays of them appear here; primitives, strings and byte arrays need no entry.
/// A new section adds its types here and its <see cref="SnapshotSection{T}"/> to <see cref="StateSections"/>.
/// </summary>
public static class SnapshotTypes
{
    public static readonly IReadOnlyList<Type> Allowed =
    [
        typeof(BusState),
        typeof(PendingOutbound),
        typeof(PendingOutbound[]),
        typeof(StoredInbound),
        typeof(StoredInbound[]),
        typeof(DeliveredMark),
        typeof(DeliveredMark[]),
        typeof(LearnedPeers),
        typeof(OwnRouteSeqno),
    ];
}
