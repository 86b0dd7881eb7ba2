namespace MeshActors.Crypto.Handshake;

/// <summary>What a node brings to every handshake. <paramref name="Capabilities"/> defaults to (and is capped at) what this machine supports.</summary>
public sealed record HandshakeSettings(
    NodeIdentity Identity,
    AdmissionPolicy Admission,
    LinkCapabilities? Capabilities = null,
    IEphemeralKeySource? Ephemerals = null)
{
    /// <summary>Never more than this machine supports, so both sides always derive the same cipher.</summary>
    internal LinkCapabilities OfferedCapabilities => (Capabilities ?? LinkCapabilitiesExtensions.Local) & LinkCapabilitiesExtensions.Local;

    internal IEphemeralKeySource EphemeralSource => Ephemerals ?? RandomEphemeralKeys.Instance;
}
