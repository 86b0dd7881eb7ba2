using NSec.Cryptography;

namespace MeshActors.Crypto.Handshake;

/// <summary>Capability bits exchanged (encrypted) in the handshake payloads, u32 big-endian on the wire.</summary>
[Flags]
public enum LinkCapabilities : uint
{
    None = 0,

    /// <summary>This node can run AES-256-GCM (hardware AES); used for the session only when both sides set it.</summary>
    Aes256Gcm = 1,

    /// <summary>This node puts Segment frames (type 11) back together, so a UDP link may cut a long payload into
    /// datagram-sized pieces instead of limiting it to one datagram; used only when both sides set it.</summary>
    Segments = 2,
}

public static class LinkCapabilitiesExtensions
{
    /// <summary>What this machine can offer: AES-256-GCM only where NSec reports hardware support; segments always.</summary>
    public static LinkCapabilities Local =>
        (Aes256Gcm.IsSupported ? LinkCapabilities.Aes256Gcm : LinkCapabilities.None) | LinkCapabilities.Segments;
}
