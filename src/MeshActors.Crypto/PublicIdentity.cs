using System.Diagnostics.CodeAnalysis;
using NSec.Cryptography;

namespace MeshActors.Crypto;

/// <summary>
/// A node's one public identity: its 32-byte Ed25519 public key. The X25519 key used for key agreement is
/// derived from it (Edwards → Montgomery), so peers pin, allow-list and address a node by this one value.
/// Printed as 64 lowercase hex characters.
/// </summary>
public readonly struct PublicIdentity : IEquatable<PublicIdentity>
{
    public const int Size = 32;

    private readonly byte[] _bytes;

    private PublicIdentity(byte[] bytes) => _bytes = bytes;

    public ReadOnlySpan<byte> Bytes => _bytes;

    public bool IsEmpty => _bytes is null;

    /// <summary>Accepts 32 bytes that decode to a valid Ed25519 point; anything else is refused.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out PublicIdentity identity)
    {
        identity = default;
        if (bytes.Length != Size)
        {
            return false;
        }

        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, bytes, KeyBlobFormat.RawPublicKey, out _))
        {
            return false;
        }

        if (!MontgomeryConversion.TryEdwardsToMontgomery(bytes, stackalloc byte[Size]))
        {
            return false;
        }

        identity = new PublicIdentity(bytes.ToArray());
        return true;
    }

    public static PublicIdentity FromBytes(ReadOnlySpan<byte> bytes) =>
        TryFromBytes(bytes, out var identity)
            ? identity
            : throw new ArgumentException("not a valid 32-byte Ed25519 public key", nameof(bytes));

    /// <summary>Parses 64 hex characters (either case).</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out PublicIdentity identity)
    {
        identity = default;
        if (hex is null || hex.Length != Size * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        return Convert.FromHexString(hex, bytes, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == Size
            && TryFromBytes(bytes, out identity);
    }

    /// <summary>The X25519 public key that belongs to this identity (32 bytes written to <paramref name="destination"/>).</summary>
    public void WriteX25519PublicKey(Span<byte> destination)
    {
        if (!MontgomeryConversion.TryEdwardsToMontgomery(_bytes, destination))
        {
            throw new InvalidOperationException("identity was validated at construction");
        }
    }

    public PublicKey ToX25519PublicKey()
    {
        Span<byte> montgomery = stackalloc byte[Size];
        WriteX25519PublicKey(montgomery);
        return PublicKey.Import(KeyAgreementAlgorithm.X25519, montgomery, KeyBlobFormat.RawPublicKey);
    }

    public PublicKey ToEd25519PublicKey() =>
        PublicKey.Import(SignatureAlgorithm.Ed25519, _bytes, KeyBlobFormat.RawPublicKey);

    public bool Equals(PublicIdentity other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is PublicIdentity other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    public override string ToString() => _bytes is null ? "" : Convert.ToHexStringLower(_bytes);

    public static bool operator ==(PublicIdentity left, PublicIdentity right) => left.Equals(right);

    public static bool operator !=(PublicIdentity left, PublicIdentity right) => !left.Equals(right);
}
