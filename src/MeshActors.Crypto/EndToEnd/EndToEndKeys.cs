using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace MeshActors.Crypto.EndToEnd;

/// <summary>
/// Key schedule of the end-to-end layer (PROTOCOL.md "Data frames"):
/// <list type="number">
/// <item>pair key = HKDF-SHA256(ikm = X25519(own agreement key, peer's X25519 key), salt = "meshactors/e2e/v1",
/// info = the two identities, lower first) — the same 32 bytes on both sides, computed once per peer;</item>
/// <item>direction key = HKDF-SHA256(ikm = pair key, salt = epoch u64, info = sender identity ‖ receiver identity ‖
/// cipher u8) — one per sender epoch, direction and cipher, so the two directions never share a key, counters
/// restart safely, and no key is ever used with two algorithms.</item>
/// </list>
/// The AEAD is ChaCha20-Poly1305, which every node runs, until the peer has shown (flag
/// <see cref="Protocol.Data.DataFlags.OpensAes"/> in an authenticated payload) that it has AES hardware; then, where
/// this node has it too, AES-256-GCM — about three times faster here (PLATFORM.md).
/// </summary>
internal static class EndToEndKeys
{
    public const int KeySize = 32;

    /// <summary>Cipher byte in the direction key's info: 0 ChaCha20-Poly1305, 1 AES-256-GCM.</summary>
    public static AeadAlgorithm Aead(bool aes) => aes ? AeadAlgorithm.Aes256Gcm : AeadAlgorithm.ChaCha20Poly1305;

    private static readonly byte[] PairSalt = Encoding.ASCII.GetBytes("meshactors/e2e/v1");

    /// <summary>False when the agreement yields no secret (low-order peer key).</summary>
    public static bool TryDerivePairKey(NodeIdentity local, PublicIdentity peer, Span<byte> pairKey)
    {
        var peerKey = peer.ToX25519PublicKey();
        using var secret = KeyAgreementAlgorithm.X25519.Agree(local.AgreementKey, peerKey);
        if (secret is null)
        {
            return false;
        }

        Span<byte> info = stackalloc byte[2 * PublicIdentity.Size];
        var localFirst = local.Public.Bytes.SequenceCompareTo(peer.Bytes) < 0;
        (localFirst ? local.Public.Bytes : peer.Bytes).CopyTo(info);
        (localFirst ? peer.Bytes : local.Public.Bytes).CopyTo(info[PublicIdentity.Size..]);
        KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(secret, PairSalt, info, pairKey);
        return true;
    }

    /// <summary>The AEAD key of one direction and epoch. Allocates one NSec key: called once per epoch, not per packet.</summary>
    public static Key DeriveDirectionKey(ReadOnlySpan<byte> pairKey, ulong epoch, ReadOnlySpan<byte> sender, ReadOnlySpan<byte> receiver, bool aes)
    {
        Span<byte> salt = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(salt, epoch);
        Span<byte> info = stackalloc byte[2 * PublicIdentity.Size + 1];
        sender.CopyTo(info);
        receiver.CopyTo(info[PublicIdentity.Size..]);
        info[^1] = aes ? (byte)1 : (byte)0;
        Span<byte> raw = stackalloc byte[KeySize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, pairKey, raw, salt, info);
            return Key.Import(Aead(aes), raw, KeyBlobFormat.RawSymmetricKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }
}
