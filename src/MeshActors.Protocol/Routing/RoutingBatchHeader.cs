using System.Buffers.Binary;

namespace MeshActors.Protocol.Routing;

/// <summary>Header of a routing batch payload: message kind (1 byte) and entry count (u16 big-endian).</summary>
internal static class RoutingBatchHeader
{
    public const int Size = 3;

    public static void Write(Span<byte> destination, byte kind, int count)
    {
        destination[0] = kind;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)count);
    }

    public static RoutingDecodeError TryRead(ReadOnlySpan<byte> payload, byte kind, out int count)
    {
        count = 0;
        if (payload.Length < Size)
        {
            return RoutingDecodeError.Truncated;
        }

        if (payload[0] != kind)
        {
            return RoutingDecodeError.WrongKind;
        }

        count = BinaryPrimitives.ReadUInt16BigEndian(payload[1..]);
        return count == 0 ? RoutingDecodeError.Empty : RoutingDecodeError.None;
    }
}
