namespace MeshActors.Protocol.Data;

/// <summary>
/// Header byte 1 of a Data payload: the destination's address family, which end-to-end AEAD sealed the payload,
/// and whether its sender can open AES-256-GCM. Authenticated (part of the associated data), so a relay cannot
/// downgrade or flip them.
/// </summary>
[Flags]
public enum DataFlags : byte
{
    None = 0,

    /// <summary>Sealed with AES-256-GCM; clear: ChaCha20-Poly1305.</summary>
    SealedWithAes = 1,

    /// <summary>The sender has AES hardware and accepts AES-256-GCM payloads: its peer may switch to AES for it.</summary>
    OpensAes = 2,

    /// <summary>The destination is an IPv4 address (the first 4 bytes of the field, the other 12 zero); clear: IPv6.
    /// <see cref="DataHeader.Write"/> sets it from the destination's length.</summary>
    Ipv4Destination = 4,

    All = SealedWithAes | OpensAes | Ipv4Destination,
}
