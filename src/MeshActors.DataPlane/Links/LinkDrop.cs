namespace MeshActors.DataPlane.Links;

/// <summary>Why a link dropped a frame; each reason has its own counter in <see cref="LinkStats"/>.</summary>
public enum LinkDrop
{
    /// <summary>Outbound: the send ring was full (back-pressure).</summary>
    RingFull,

    /// <summary>Inbound Data: no buffer free in the pool.</summary>
    PoolExhausted,

    /// <summary>Inbound Data: a payload larger than this node's buffers (its pool is sized for a smaller MTU than the peer's).</summary>
    TooBig,

    /// <summary>Inbound: the frame codec refused the frame.</summary>
    Malformed,

    /// <summary>Inbound: receiver index of no session of this link.</summary>
    WrongReceiver,

    /// <summary>Inbound: counter already accepted.</summary>
    Replay,

    /// <summary>Inbound: counter older than the replay window.</summary>
    TooOld,

    /// <summary>Inbound: AEAD tag did not verify.</summary>
    BadTag,

    /// <summary>Either way: counter or age past the session's reject limits.</summary>
    SessionExpired,

    /// <summary>Outbound: payload length not allowed for the frame type.</summary>
    Invalid,

    /// <summary>Outbound: a Data payload not sealed end to end while the encryption audit is on.</summary>
    Unsealed,

    /// <summary>Outbound: the link was closing.</summary>
    Closed,

    /// <summary>Inbound: a data frame with no sink installed.</summary>
    NoHandler,

    /// <summary>Inbound: a control frame found the link's control inbox full (its actor is behind, or the peer floods).</summary>
    ControlInboxFull,

    /// <summary>Inbound: a handshake frame this link did not expect or that failed (rekey).</summary>
    Handshake,

    /// <summary>Inbound: an authenticated Segment frame whose segment header does not check out.</summary>
    SegmentInvalid,

    /// <summary>Inbound: a payload whose pieces were coming in was given up because a piece of another one came
    /// first (a piece was lost or reordered).</summary>
    SegmentLost,
}
