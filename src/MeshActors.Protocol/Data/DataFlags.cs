namespace MeshActors.Protocol.Data;

/// <summary>
/// Header byte 2 of a Data payload: which end-to-end AEAD sealed it, and whether its sender can open
/// AES-256-GCM. Authenticated (part of the associated data), so a relay cannot downgrade or flip them.
/// </summary>
[Flags]
public enum DataFlags : byte
{
    None = 0,

    /// <summary>Sealed with AES-256-GCM; clear: ChaCha20-Poly1305.</summary>
    SealedWithAes = 1,

    /// <summary>The sender has AES hardware and accepts AES-256-GCM payloads: its peer may switch to AES for it.</summary>
    OpensAes = 2,

    All = SealedWithAes | OpensAes,
}
