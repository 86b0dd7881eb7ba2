using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Sending;

/// <summary>Snapshot of one outbound message for the status endpoint. Chunk counters are meaningful while sending.</summary>
public sealed record MessageStatus(
    ulong Id,
    RouterId Destination,
    MessageState State,
    AbortReason Reason,
    DateTimeOffset Created,
    DateTimeOffset Deadline,
    int Length,
    int ChunkCount,
    int ChunksSent,
    int ChunksAcked);
