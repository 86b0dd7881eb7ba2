using MeshActors.Protocol.Frames;

namespace MeshActors.Crypto.Handshake;

/// <summary>
/// The value mixed in at the psk0 position: the network key when the initiation's NetworkKey flag is set, else 32
/// zero bytes. Mixing zeros keeps one key schedule for every policy; only the network key makes it a secret.
/// </summary>
internal static class HandshakePsk
{
    private static readonly byte[] None = new byte[AdmissionPolicy.NetworkKeySize];

    public static ReadOnlySpan<byte> For(AdmissionPolicy policy, HandshakeFlags flags) =>
        (flags & HandshakeFlags.NetworkKey) != 0 ? policy.NetworkKeyBytes : None;
}
