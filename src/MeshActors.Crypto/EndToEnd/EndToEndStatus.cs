namespace MeshActors.Crypto.EndToEnd;

/// <summary>Outcome of opening one end-to-end sealed payload; <see cref="Opened"/> means the plaintext is in place.</summary>
public enum EndToEndStatus : byte
{
    Opened,

    /// <summary>Shorter than header + type byte + tag.</summary>
    Malformed,

    /// <summary>The source field is not a valid identity, or its key agreement yields nothing.</summary>
    BadIdentity,

    /// <summary>An epoch older than the one this peer already moved to (a replay of an old session).</summary>
    StaleEpoch,

    /// <summary>A counter at or beyond <see cref="EndToEndLimits.MessagesPerEpoch"/>.</summary>
    CounterLimit,

    /// <summary>Counter already accepted in this epoch.</summary>
    Replay,

    /// <summary>Counter older than the replay window reaches.</summary>
    TooOld,

    /// <summary>The AEAD tag did not verify.</summary>
    DecryptFailed,
}
