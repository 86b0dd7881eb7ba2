using System.Security.Cryptography;
using MeshActors.Crypto.Session;

namespace MeshActors.Crypto.Handshake;

/// <summary>Turns a finished handshake into a <see cref="LinkSession"/>: splits the keys and picks the cipher.</summary>
internal static class SessionFactory
{
    public static LinkSession Create(
        HandshakeState state,
        bool isInitiator,
        uint localIndex,
        uint remoteIndex,
        LinkCapabilities local,
        LinkCapabilities remote,
        long nowMs)
    {
        // AES-256-GCM only when both offered it; a side offers it only where its hardware supports it.
        var common = local & remote;
        var cipher = (common & LinkCapabilities.Aes256Gcm) != 0 ? LinkCipher.Aes256Gcm : LinkCipher.ChaCha20Poly1305;
        Span<byte> send = stackalloc byte[SymmetricState.HashSize];
        Span<byte> receive = stackalloc byte[SymmetricState.HashSize];
        try
        {
            state.Split(send, receive);
            return new LinkSession(localIndex, remoteIndex, state.RemoteIdentity, isInitiator, cipher, send, receive, nowMs)
            {
                BothTakeSegments = (common & LinkCapabilities.Segments) != 0,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(send);
            CryptographicOperations.ZeroMemory(receive);
        }
    }
}
