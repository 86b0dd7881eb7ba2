namespace MeshActors.Messaging.Persistence;

// The bus's durable state as plain data, for the node's snapshot store. Only primitives, byte arrays and arrays of
// these records, so the store's serializer needs nothing but these types on its allow-list. Times are UTC ticks.
// Changing a field changes the file layout: bump the bus section's version in the node's snapshot sections.

/// <summary>Everything a restarted node needs to keep the bus's promises: messages it accepted and has not finished
/// sending, messages it delivered that no client has taken, and the (sender, id) pairs it delivered recently.</summary>
public sealed record BusState(PendingOutbound[] Outbound, StoredInbound[] Inbox, DeliveredMark[] Delivered)
{
    public static readonly BusState Empty = new([], [], []);
}

/// <summary>An accepted message not yet delivered: its id, destination key (32 bytes), content, deadline, and which
/// chunks the receiver acknowledged (bits, 64 per word, as <see cref="ChunkBitmap.ToWords"/>).</summary>
public sealed record PendingOutbound(
    ulong Id,
    byte[] Destination,
    byte[] Topic,
    byte[] Payload,
    bool IsReply,
    ulong ReplyTo,
    long CreatedTicks,
    long DeadlineTicks,
    ulong[] AckedChunks)
{
    /// <summary>False when a field is missing (null), as only a damaged or foreign snapshot could have it.</summary>
    public bool IsComplete => Destination is not null && Topic is not null && Payload is not null && AckedChunks is not null;
}

/// <summary>A delivered message waiting in the inbox: sender key (32 bytes), id, content, when it arrived.</summary>
public sealed record StoredInbound(byte[] Sender, ulong Id, byte[] Topic, byte[] Payload, bool IsReply, ulong ReplyTo, long ReceivedTicks)
{
    public bool IsComplete => Sender is not null && Topic is not null && Payload is not null;
}

/// <summary>A (sender, id) delivered recently, remembered until <see cref="ExpiresTicks"/> so a retransmit is re-acked,
/// never delivered twice.</summary>
public sealed record DeliveredMark(byte[] Sender, ulong Id, long ExpiresTicks)
{
    public bool IsComplete => Sender is not null;
}
