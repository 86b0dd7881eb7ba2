namespace MeshActors.Messaging.Wire;

/// <summary>Why a receiver refuses a message for good (carried in a <see cref="BusFrameKind.Refuse"/> frame).</summary>
public enum RefuseReason : byte
{
    /// <summary>The total length exceeds the receiver's max-message-size.</summary>
    TooLarge = 1,

    /// <summary>The message arrived whole but the receiver's inbox is full (it never drops delivered messages).</summary>
    InboxFull = 2,
}
