using System.Buffers.Binary;

namespace MeshActors.Crypto.EndToEnd;

/// <summary>
/// A 32-byte identity as four integers: a dictionary key that hashes and compares without allocation or a
/// byte-by-byte loop, for the send path's session lookup on every packet.
/// </summary>
internal readonly record struct IdentityKey(ulong A, ulong B, ulong C, ulong D)
{
    public static IdentityKey From(ReadOnlySpan<byte> identity) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(identity),
        BinaryPrimitives.ReadUInt64LittleEndian(identity[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(identity[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(identity[24..]));
}
