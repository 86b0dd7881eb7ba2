using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Wire;

namespace MeshActors.Messaging;

/// <summary>What happened to one received bus frame, so the actor knows whom to wake.</summary>
public enum ReceiveKind
{
    /// <summary>The frame did not decode; <see cref="ReceiveOutcome.Error"/> says why.</summary>
    Malformed,

    /// <summary>A chunk was handled; <see cref="ReceiveOutcome.Chunk"/> says how (Delivered: wake inbox pollers;
    /// ReplyParked: take the reply from <see cref="ReplyWaiters"/> for <see cref="ReceiveOutcome.MessageId"/>).</summary>
    Chunk,

    /// <summary>An ack, read receipt or refusal changed an outbound message's status.</summary>
    StatusChanged,

    /// <summary>A valid frame with nothing for the actor to do: an Abort (any reassembly it named is freed), or an
    /// ack, read receipt or refusal for an unknown id or from someone other than the destination.</summary>
    Ignored,
}

/// <summary>
/// Result of <see cref="MessageBusCore.Receive"/>. For a parked reply, <see cref="MessageId"/> is the id of the
/// original outbound message (the waiter's key); otherwise the id carried by the frame.
/// </summary>
public readonly record struct ReceiveOutcome(ReceiveKind Kind, ulong MessageId, ChunkOutcome Chunk, BusDecodeError Error);
