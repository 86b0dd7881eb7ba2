using System.Buffers.Binary;

namespace MeshActors.Protocol.Data;

/// <summary>
/// Body of a relay's report to the origin of a payload it could not pass on (<see cref="InnerType.HopLimitExpired"/>,
/// <see cref="InnerType.PacketTooBig"/>), sent end to end. It names the payload by the fields of its data header
/// that the origin wrote, plus a value: <c>destination(16) ‖ epoch u64 ‖ counter u64 ‖ value u32</c>, 36 bytes,
/// big-endian; the value is the largest inner packet the relay's next link carries for PacketTooBig, 0 otherwise.
/// A relay cannot quote the sealed packet; the origin finds its own copy of the packet's head by these fields
/// (PROTOCOL.md §5).
/// </summary>
public static class RelayNotice
{
    public const int Size = DataHeader.DestinationSize + 8 + 8 + 4;

    private const int EpochOffset = DataHeader.DestinationSize;
    private const int CounterOffset = EpochOffset + 8;
    private const int ValueOffset = CounterOffset + 8;

    /// <summary>Writes the notice for the payload whose data header is <paramref name="header"/>.</summary>
    public static void WriteFor(ReadOnlySpan<byte> header, uint value, Span<byte> notice)
    {
        header.Slice(DataHeader.DestinationOffset, DataHeader.DestinationSize).CopyTo(notice);
        BinaryPrimitives.WriteUInt64BigEndian(notice[EpochOffset..], DataHeader.Epoch(header));
        BinaryPrimitives.WriteUInt64BigEndian(notice[CounterOffset..], DataHeader.Counter(header));
        BinaryPrimitives.WriteUInt32BigEndian(notice[ValueOffset..], value);
    }

    /// <summary>Reads a notice; false unless it is exactly <see cref="Size"/> bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> notice, out ReadOnlySpan<byte> destination, out ulong epoch, out ulong counter, out uint value)
    {
        destination = default;
        (epoch, counter, value) = (0, 0, 0);
        if (notice.Length != Size)
        {
            return false;
        }

        destination = notice[..DataHeader.DestinationSize];
        epoch = BinaryPrimitives.ReadUInt64BigEndian(notice[EpochOffset..]);
        counter = BinaryPrimitives.ReadUInt64BigEndian(notice[CounterOffset..]);
        value = BinaryPrimitives.ReadUInt32BigEndian(notice[ValueOffset..]);
        return true;
    }
}
