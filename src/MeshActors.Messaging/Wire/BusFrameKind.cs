namespace MeshActors.Messaging.Wire;

/// <summary>First byte of every bus frame (layout in WIRE.md). Values are protocol constants.</summary>
public enum BusFrameKind : byte
{
    /// <summary>Sender → receiver: one slice of a message.</summary>
    Chunk = 1,

    /// <summary>Receiver → sender: which chunks arrived (or all of them).</summary>
    Ack = 2,

    /// <summary>Receiver → sender: the application took the message from the inbox. Best effort, never retransmitted.</summary>
    Read = 3,

    /// <summary>Sender → receiver: the sender gave up (deadline passed); the receiver frees the reassembly.</summary>
    Abort = 4,

    /// <summary>Receiver → sender: the message will never be accepted; the reason byte says why.</summary>
    Refuse = 5,
}
