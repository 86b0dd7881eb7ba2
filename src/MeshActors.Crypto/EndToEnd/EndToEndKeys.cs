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
/// <item>direction key = HKDF-SHA256(ikm = pair key, salt = epoch u64, info = sender identity ‖ receiver identity) —
/// one per sender epoch and direction, so the two directions never share a key and counters restart safely.</item>
/// </list>
/// The AEAD is ChaCha20-Poly1305 only: this layer has no message exchange in which to negotiate AES-256-GCM, and a
/// cipher every node supports keeps the static-key scheme handshake-free. The link layer negotiates AES.
/// </summary>
internal static class EndToEndKeys
{
    public const int KeySize = 32;

    public static readonly AeadAlgorithm Aead = AeadAlgorithm.ChaCha20Poly1305;

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
    public static Key DeriveDirectionKey(ReadOnlySpan<byte> pairKey, ulong epoch, ReadOnlySpan<byte> sender, ReadOnlySpan<byte> receiver)
    {
        Span<byte> salt = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(salt, epoch);
        Span<byte> info = stackalloc byte[2 * PublicIdentity.Size];
        sender.CopyTo(info);
        receiver.CopyTo(info[PublicIdentity.Size..]);
        Span<byte> raw = stackalloc byte[KeySize];
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, pairKey, raw, salt, info);
            return Key.Import(Aead, raw, KeyBlobFormat.RawSymmetricKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }
}
