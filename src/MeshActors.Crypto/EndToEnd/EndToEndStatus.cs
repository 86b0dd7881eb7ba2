namespace MeshActors.Crypto.EndToEnd;

/// <summary>Outcome of opening one end-to-end sealed payload; <see cref="Opened"/> means the plaintext is in place.</summary>
public enum EndToEndStatus : byte
{
    Opened,

    /// <summary>Shorter than header + type byte + tag.</summary>
    Malformed,

    /// <summary>The source key id names this node, or its identity's key agreement yields nothing.</summary>
    BadIdentity,

    /// <summary>No session and no route owner has the source key id: this node does not know the sender.</summary>
    UnknownSource,

    /// <summary>An epoch older than the one this peer already moved to (a replay of an old session).</summary>
    StaleEpoch,

    /// <summary>Counter already accepted in this epoch.</summary>
    Replay,

    /// <summary>Counter older than the replay window reaches.</summary>
    TooOld,

    /// <summary>The AEAD tag did not verify.</summary>
    DecryptFailed,
}
