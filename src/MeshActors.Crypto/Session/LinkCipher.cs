namespace MeshActors.Crypto.Session;

/// <summary>The transport AEAD a session negotiated. Both take a 32-byte key and a 12-byte nonce and add a 16-byte tag.</summary>
public enum LinkCipher : byte
{
    ChaCha20Poly1305,
    Aes256Gcm,
}
