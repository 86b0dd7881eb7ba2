using NSec.Cryptography;

namespace MeshActors.Crypto.Handshake;

/// <summary>Capability bits exchanged (encrypted) in the handshake payloads, u32 big-endian on the wire.</summary>
[Flags]
public enum LinkCapabilities : uint
{
    None = 0,

    /// <summary>This node can run AES-256-GCM (hardware AES); used for the session only when both sides set it.</summary>
    Aes256Gcm = 1,
}

public static class LinkCapabilitiesExtensions
{
    /// <summary>What this machine can offer: AES-256-GCM only where NSec reports hardware support.</summary>
    public static LinkCapabilities Local => Aes256Gcm.IsSupported ? LinkCapabilities.Aes256Gcm : LinkCapabilities.None;
}
