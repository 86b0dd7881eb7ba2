using System.Buffers.Binary;

namespace MeshActors.Protocol.Routing;

/// <summary>
/// A router's identity on the wire and in routing tables: its 32-byte Ed25519 public key. Held as four
/// big-endian words so equality and hashing are a few integer operations and the value is a flat 32-byte struct.
/// </summary>
public readonly record struct RouterId(ulong W0, ulong W1, ulong W2, ulong W3)
{
    /// <summary>Size of a router id on the wire, bytes (an Ed25519 public key).</summary>
    public const int Size = 32;

    public static RouterId FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
        {
            throw new ArgumentException($"a router id is {Size} bytes", nameof(key));
        }

        return Read(key);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, W0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], W1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], W2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], W3);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>First 8 bytes in hex: enough to tell routers apart in logs.</summary>
    public override string ToString() => W0.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    internal static RouterId Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64BigEndian(source),
        BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(source[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(source[24..]));
}
