using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace MeshActors.Crypto.Handshake;

/// <summary>
/// The Noise SymmetricState (Noise spec §5.2) with SHA-256 and ChaCha20-Poly1305: chaining key <c>ck</c>, handshake
/// hash <c>h</c>, current key <c>k</c> and its nonce <c>n</c>. Runs a few times per handshake, never per packet,
/// so small allocations (NSec key objects) are fine here. Secrets are zeroed on <see cref="Dispose"/>.
/// </summary>
internal sealed class SymmetricState : IDisposable
{
    public const int HashSize = 32;
    private const int NonceSize = 12;

    private readonly byte[] _ck = new byte[HashSize];
    private readonly byte[] _h = new byte[HashSize];
    private readonly byte[] _k = new byte[HashSize];
    private ulong _n;

    public SymmetricState(ReadOnlySpan<byte> protocolName)
    {
        // Names longer than the hash are hashed (Noise §5.2 InitializeSymmetric); ours always are.
        SHA256.HashData(protocolName, _h);
        _h.CopyTo(_ck, 0);
    }

    public void MixHash(ReadOnlySpan<byte> data)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_h);
        hash.AppendData(data);
        hash.GetHashAndReset(_h);
    }

    /// <summary>MixKey with plain input keying material (the ephemeral public keys of psk patterns).</summary>
    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        Span<byte> output = stackalloc byte[2 * HashSize];
        Hkdf(_ck, inputKeyMaterial, output);
        SetChainAndKey(output);
    }

    /// <summary>MixKey(DH(local, remote)). False when the agreement yields no secret (a low-order remote key).</summary>
    public bool MixKey(Key local, PublicKey remote)
    {
        using var secret = KeyAgreementAlgorithm.X25519.Agree(local, remote);
        if (secret is null)
        {
            return false;
        }

        // Noise HKDF(ck, dh) with two outputs is RFC 5869 HKDF-SHA256 with salt = ck, empty info, 64 bytes.
        Span<byte> output = stackalloc byte[2 * HashSize];
        KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(secret, _ck, ReadOnlySpan<byte>.Empty, output);
        SetChainAndKey(output);
        return true;
    }

    /// <summary>MixKeyAndHash(psk) (Noise §9): the third HKDF output goes into the hash, the second becomes the key.</summary>
    public void MixKeyAndHash(ReadOnlySpan<byte> psk)
    {
        Span<byte> output = stackalloc byte[3 * HashSize];
        Hkdf(_ck, psk, output);
        output[..HashSize].CopyTo(_ck);
        MixHash(output.Slice(HashSize, HashSize));
        output.Slice(2 * HashSize, HashSize).CopyTo(_k);
        _n = 0;
        CryptographicOperations.ZeroMemory(output);
    }

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="ciphertext"/> (plaintext + 16 bytes) and hashes the result.</summary>
    public void EncryptAndHash(ReadOnlySpan<byte> plaintext, Span<byte> ciphertext)
    {
        var sealedLength = plaintext.Length + HandshakeCipher.TagSize;
        using (var key = HandshakeCipher.ImportKey(_k))
        {
            Span<byte> nonce = stackalloc byte[NonceSize];
            WriteNonce(nonce, _n++);
            HandshakeCipher.Algorithm.Encrypt(key, nonce, _h, plaintext, ciphertext[..sealedLength]);
        }

        MixHash(ciphertext[..sealedLength]);
    }

    /// <summary>Opens <paramref name="ciphertext"/> into <paramref name="plaintext"/>; false when the tag does not verify.</summary>
    public bool DecryptAndHash(ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        using (var key = HandshakeCipher.ImportKey(_k))
        {
            Span<byte> nonce = stackalloc byte[NonceSize];
            WriteNonce(nonce, _n);
            if (!HandshakeCipher.Algorithm.Decrypt(key, nonce, _h, ciphertext, plaintext[..(ciphertext.Length - HandshakeCipher.TagSize)]))
            {
                return false;
            }
        }

        _n++;
        MixHash(ciphertext);
        return true;
    }

    /// <summary>Split (Noise §5.2): the initiator's sending key first, the responder's sending key second.</summary>
    public void Split(Span<byte> initiatorToResponder, Span<byte> responderToInitiator)
    {
        Span<byte> output = stackalloc byte[2 * HashSize];
        Hkdf(_ck, ReadOnlySpan<byte>.Empty, output);
        output[..HashSize].CopyTo(initiatorToResponder);
        output[HashSize..].CopyTo(responderToInitiator);
        CryptographicOperations.ZeroMemory(output);
    }

    /// <summary>The nonce of every AEAD in this protocol: 4 zero bytes, then the 64-bit counter little-endian (as Noise's ChaChaPoly).</summary>
    internal static void WriteNonce(Span<byte> nonce, ulong counter)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], counter);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_ck);
        CryptographicOperations.ZeroMemory(_k);
    }

    /// <summary>
    /// Noise HKDF (§4.3) with HMAC-SHA256: temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01); out_i = HMAC(temp, out_{i-1} ‖ i).
    /// Written out because BCL HKDF refuses empty input keying material, which Split needs.
    /// </summary>
    private static void Hkdf(ReadOnlySpan<byte> chainingKey, ReadOnlySpan<byte> inputKeyMaterial, Span<byte> output)
    {
        Span<byte> temp = stackalloc byte[HashSize];
        HMACSHA256.HashData(chainingKey, inputKeyMaterial, temp);
        Span<byte> block = stackalloc byte[HashSize + 1];
        var previous = ReadOnlySpan<byte>.Empty;
        for (var i = 0; i * HashSize < output.Length; i++)
        {
            previous.CopyTo(block);
            block[previous.Length] = (byte)(i + 1);
            var outputBlock = output.Slice(i * HashSize, HashSize);
            HMACSHA256.HashData(temp, block[..(previous.Length + 1)], outputBlock);
            previous = outputBlock;
        }

        CryptographicOperations.ZeroMemory(temp);
        CryptographicOperations.ZeroMemory(block);
    }

    private void SetChainAndKey(ReadOnlySpan<byte> output)
    {
        output[..HashSize].CopyTo(_ck);
        output[HashSize..].CopyTo(_k);
        _n = 0;
    }
}
