namespace MeshActors.Crypto.Handshake;

/// <summary>Why a handshake message was refused. Every refusal ends that handshake; no state is kept for it.</summary>
public enum HandshakeError : byte
{
    None = 0,

    /// <summary>The frame codec refused the bytes (size, version, type, flags).</summary>
    Malformed,

    /// <summary>A well-formed message this side does not expect now (wrong type, receiver index, flags or state).</summary>
    Unexpected,

    /// <summary>The policy needs the network key and the peer did not offer it (refused before any DH).</summary>
    NetworkKeyRequired,

    /// <summary>The peer offered a network key and this node has none (refused before any DH).</summary>
    NetworkKeyUnknown,

    /// <summary>A public key in the message is not usable (invalid point, low-order result).</summary>
    BadKey,

    /// <summary>An AEAD tag did not verify: wrong key, wrong network key, wrong pinned responder, or tampering.</summary>
    AuthenticationFailed,

    /// <summary>The authenticated peer is not admitted by the policy.</summary>
    NotAdmitted,

    /// <summary>The initiation timestamp is not newer than the last one accepted from this peer (a replay).</summary>
    Replayed,

    /// <summary>An XX finish for a handshake this responder does not hold (never started, evicted, or already done).</summary>
    UnknownHandshake,

    /// <summary>The caller's reply buffer is smaller than the reply.</summary>
    ReplyBufferTooSmall,
}
