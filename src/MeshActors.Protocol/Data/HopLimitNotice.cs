using System.Buffers.Binary;

namespace MeshActors.Protocol.Data;

/// <summary>
/// Body of an <see cref="InnerType.HopLimitExpired"/> payload, sent end to end by a relay to the origin of a payload
/// whose hop limit ran out there. It names the payload by the fields of its data header that the origin wrote:
/// <c>destination(16) ‖ epoch u64 ‖ counter u64</c>, 32 bytes, big-endian. A relay cannot quote the sealed packet;
/// the origin finds its own copy of the packet's first bytes by these fields (PROTOCOL.md §5).
/// </summary>
public static class HopLimitNotice
{
    public const int Size = DataHeader.DestinationSize + 8 + 8;

    /// <summary>Writes the notice for the payload whose data header is <paramref name="header"/>.</summary>
    public static void WriteFor(ReadOnlySpan<byte> header, Span<byte> notice)
    {
        header.Slice(DataHeader.DestinationOffset, DataHeader.DestinationSize).CopyTo(notice);
        BinaryPrimitives.WriteUInt64BigEndian(notice[DataHeader.DestinationSize..], DataHeader.Epoch(header));
        BinaryPrimitives.WriteUInt64BigEndian(notice[(DataHeader.DestinationSize + 8)..], DataHeader.Counter(header));
    }

    /// <summary>Reads a notice; false unless it is exactly <see cref="Size"/> bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> notice, out ReadOnlySpan<byte> destination, out ulong epoch, out ulong counter)
    {
        destination = default;
        epoch = 0;
        counter = 0;
        if (notice.Length != Size)
        {
            return false;
        }

        destination = notice[..DataHeader.DestinationSize];
        epoch = BinaryPrimitives.ReadUInt64BigEndian(notice[DataHeader.DestinationSize..]);
        counter = BinaryPrimitives.ReadUInt64BigEndian(notice[(DataHeader.DestinationSize + 8)..]);
        return true;
    }
}
