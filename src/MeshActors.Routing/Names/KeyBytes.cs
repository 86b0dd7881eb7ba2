namespace MeshActors.Routing.Names;

/// <summary>A public key's bytes as a dictionary key: equal by content, ordered bytewise (the tie-break of claims).</summary>
public readonly struct KeyBytes(byte[] bytes) : IEquatable<KeyBytes>, IComparable<KeyBytes>
{
    private readonly byte[] _bytes = bytes;

    public ReadOnlySpan<byte> Span => _bytes;

    public bool Equals(KeyBytes other) => _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is KeyBytes other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    public int CompareTo(KeyBytes other) => _bytes.AsSpan().SequenceCompareTo(other._bytes);

    public override string ToString() => Convert.ToHexStringLower(_bytes);
}
