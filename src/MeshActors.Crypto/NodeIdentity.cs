using System.Security.Cryptography;
using NSec.Cryptography;

namespace MeshActors.Crypto;

/// <summary>
/// A node's secret identity, built from one 32-byte seed:
/// <list type="bullet">
/// <item>Ed25519 signing key = the seed (RFC 8032 private key);</item>
/// <item>X25519 agreement key = clamp(SHA-512(seed)[0..32]), the scalar Ed25519 itself uses, so its public
/// half equals the Montgomery form of the Ed25519 public key (same conversion as libsodium and Yggdrasil).</item>
/// </list>
/// Owns NSec keys: dispose when done. <see cref="ToString"/> never reveals secret material.
/// </summary>
public sealed class NodeIdentity : IDisposable
{
    public const int SeedSize = 32;

    private NodeIdentity(Key signingKey, Key agreementKey, PublicIdentity publicIdentity)
    {
        SigningKey = signingKey;
        AgreementKey = agreementKey;
        Public = publicIdentity;
    }

    public Key SigningKey { get; }

    public Key AgreementKey { get; }

    public PublicIdentity Public { get; }

    public static NodeIdentity FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"a seed is {SeedSize} bytes, got {seed.Length}", nameof(seed));
        }

        var exportable = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None };
        var signing = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, exportable);

        Span<byte> expanded = stackalloc byte[64];
        SHA512.HashData(seed, expanded);
        var scalar = expanded[..32];
        scalar[0] &= 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        var agreement = Key.Import(KeyAgreementAlgorithm.X25519, scalar, KeyBlobFormat.RawPrivateKey, exportable);
        CryptographicOperations.ZeroMemory(expanded);

        var publicIdentity = PublicIdentity.FromBytes(signing.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        return new NodeIdentity(signing, agreement, publicIdentity);
    }

    public static NodeIdentity Generate()
    {
        Span<byte> seed = stackalloc byte[SeedSize];
        RandomNumberGenerator.Fill(seed);
        try
        {
            return FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(SigningKey, data);

    public void Dispose()
    {
        SigningKey.Dispose();
        AgreementKey.Dispose();
    }

    public override string ToString() => $"NodeIdentity({Public}, secret redacted)";
}
