namespace MeshActors.Crypto.EndToEnd;

/// <summary>Protocol constants of the end-to-end layer; both ends must agree on them.</summary>
public static class EndToEndLimits
{
    /// <summary>
    /// Messages sealed under one epoch key: 2^32. The sender starts a new epoch (new key, counter 0) on reaching it,
    /// the receiver refuses counters at or above it — far below ChaCha20-Poly1305's per-key limits, and at 2 M
    /// packets/s still 35 minutes between key changes.
    /// </summary>
    public const ulong MessagesPerEpoch = 1UL << 32;

    /// <summary>Default number of peers with a cached session: 4,096 × ~0.5 KB ≈ 2 MB.</summary>
    public const int DefaultCapacity = 4096;
}
