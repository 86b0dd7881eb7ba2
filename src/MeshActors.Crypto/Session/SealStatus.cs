namespace MeshActors.Crypto.Session;

public enum SealStatus : byte
{
    Sealed,

    /// <summary>Sealed, and the send counter passed <see cref="SessionLimits.RekeyAfterMessages"/>: start a rekey.</summary>
    SealedRekeyDue,

    /// <summary>Refused: the send counter reached <see cref="SessionLimits.RejectAfterMessages"/>; this session can send no more.</summary>
    KeyExhausted,

    /// <summary>Refused: not a transport type, or a payload length that type does not allow.</summary>
    InvalidFrame,

    /// <summary>Refused: the buffer cannot hold header + payload + tag.</summary>
    BufferTooSmall,
}

/// <summary>Why <see cref="LinkSession.TryOpen"/> refused a frame; <see cref="None"/> means it opened.</summary>
public enum OpenError : byte
{
    None,

    /// <summary>The frame codec refused it (size, version, type, flags, payload length).</summary>
    Malformed,

    /// <summary>A handshake frame, which belongs to the handshake machines, not the session.</summary>
    NotTransport,

    /// <summary>The receiver index is not this session's.</summary>
    WrongReceiver,

    /// <summary>Counter at or above <see cref="SessionLimits.RejectAfterMessages"/>.</summary>
    CounterLimit,

    /// <summary>Counter older than the replay window reaches.</summary>
    TooOld,

    /// <summary>Counter already accepted.</summary>
    Replay,

    /// <summary>The AEAD tag did not verify (forged, corrupted, or another key).</summary>
    BadTag,
}

/// <summary>An opened transport frame: its plaintext lies at <see cref="PayloadOffset"/> for <see cref="PayloadLength"/> bytes of the caller's buffer.</summary>
public readonly record struct OpenedFrame(MeshActors.Protocol.Frames.FrameType Type, ulong Counter, int PayloadLength)
{
    public const int PayloadOffset = MeshActors.Protocol.Frames.FrameLayout.HeaderSize;
}
