namespace MeshActors.Crypto.Session;

/// <summary>Key-usage limits of a <see cref="LinkSession"/>. Protocol constants: both ends must agree on them.</summary>
public static class SessionLimits
{
    /// <summary>
    /// Frames sent under one key before a rekey is asked for: 2^24 (≈ 16.8 million; 8 s at 2 M frames/s). Chosen for
    /// AES-256-GCM, whose safety margin shrinks with the blocks encrypted under one key: even at the largest frame
    /// (4,096 blocks) 2^24 frames stay near 2^36 blocks, TLS 1.3's bound for a 2^-57 distinguishing advantage.
    /// </summary>
    public const ulong RekeyAfterMessages = 1UL << 24;

    /// <summary>
    /// Hard limit: a counter at or above 2^26 is never used to seal nor accepted to open. Four times the rekey point,
    /// so a slow rekey does not cut the link, while the key can never reach unsafe usage or wrap its 64-bit nonce.
    /// </summary>
    public const ulong RejectAfterMessages = 1UL << 26;

    /// <summary>Milliseconds after which the session's initiator starts a new handshake: 120 s bounds how much traffic one key protects (as WireGuard).</summary>
    public const long RekeyAfterTimeMs = 120_000;

    /// <summary>Milliseconds after which a session is dead whatever its counters: 180 s = rekey time plus a minute to complete a rekey.</summary>
    public const long RejectAfterTimeMs = 180_000;
}
