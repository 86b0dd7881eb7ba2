using NSec.Cryptography;

namespace MeshActors.Crypto.Handshake;

/// <summary>The handshake's own AEAD: always ChaCha20-Poly1305 (every node has it); only transport keys may use AES-GCM.</summary>
internal static class HandshakeCipher
{
    public const int TagSize = 16;

    public static AeadAlgorithm Algorithm => AeadAlgorithm.ChaCha20Poly1305;

    public static Key ImportKey(ReadOnlySpan<byte> key) => Key.Import(Algorithm, key, KeyBlobFormat.RawSymmetricKey);
}
