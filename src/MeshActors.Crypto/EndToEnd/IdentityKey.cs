using System.Buffers.Binary;

namespace MeshActors.Crypto.EndToEnd;

/// <summary>
/// A 32-byte identity as four integers: a dictionary key built straight from the bytes of a received header,
/// with no allocation and no point validation (the bytes are validated once, when a session is created).
/// </summary>
internal readonly record struct IdentityKey(ulong A, ulong B, ulong C, ulong D)
{
    public static IdentityKey From(ReadOnlySpan<byte> identity) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(identity),
        BinaryPrimitives.ReadUInt64LittleEndian(identity[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(identity[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(identity[24..]));
}
