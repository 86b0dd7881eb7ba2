using System.Buffers.Binary;

namespace MeshActors.Protocol.Data;

/// <summary>
/// The cleartext header of a Data frame's payload (PROTOCOL.md "Data frames"): exactly what relays need to
/// forward (destination, hop limit) and what the receiver needs to find and check the end-to-end session
/// (source identity, epoch, counter). Everything after it is sealed end to end.
/// Layout (big-endian): hop limit u8 · flags u8 (<see cref="DataFlags"/>, family included) · destination 16 ·
/// source identity 32 · epoch u48 · counter u32.
/// </summary>
public static class DataHeader
{
    /// <summary>Header bytes: 2 + 16 + 32 + 6 + 4.</summary>
    public const int Size = 60;

    /// <summary>Initial hop limit in bytes-on-wire terms (one hop = one link): 64, as the IPv6 default, far above any sane mesh diameter.</summary>
    public const byte DefaultHopLimit = 64;

    public const int HopLimitOffset = 0;
    public const int FlagsOffset = 1;
    public const int DestinationOffset = 2;
    public const int DestinationSize = 16;
    public const int SourceOffset = 18;
    public const int SourceSize = 32;
    public const int EpochOffset = 50;
    public const int CounterOffset = 56;

    /// <summary>Epochs are Unix milliseconds (<c>EpochSource</c>): 48 bits last until the year 10889.</summary>
    public const ulong EpochLimit = 1UL << 48;

    /// <summary>
    /// Associated data of the end-to-end AEAD: the whole header except the hop limit (the one field relays change),
    /// so a relay cannot redirect a packet or swap its source without the receiver noticing.
    /// </summary>
    public static ReadOnlySpan<byte> AssociatedData(ReadOnlySpan<byte> header) => header[FlagsOffset..Size];

    /// <summary>
    /// Writes a header; <paramref name="destination"/> is 16 bytes (IPv6) or 4 bytes (IPv4, zero padded on the wire,
    /// <see cref="DataFlags.Ipv4Destination"/> set). <paramref name="flags"/> holds the cipher bits only; the epoch is
    /// below <see cref="EpochLimit"/> and the counter below 2^32 (<c>EndToEndLimits.MessagesPerEpoch</c>).
    /// </summary>
    public static void Write(
        Span<byte> header,
        byte hopLimit,
        DataFlags flags,
        ReadOnlySpan<byte> destination,
        ReadOnlySpan<byte> sourceIdentity,
        ulong epoch,
        ulong counter)
    {
        if (destination.Length is not (4 or 16) || sourceIdentity.Length != SourceSize || (flags & DataFlags.Ipv4Destination) != 0)
        {
            throw new ArgumentException("destination is 4 or 16 bytes (the family flag comes from its length) and the source identity 32");
        }

        if (epoch >= EpochLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "the epoch has 48 bits");
        }

        if (counter > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(counter), counter, "the counter has 32 bits");
        }

        header[HopLimitOffset] = hopLimit;
        header[FlagsOffset] = (byte)(destination.Length == 4 ? flags | DataFlags.Ipv4Destination : flags);
        var destinationField = header.Slice(DestinationOffset, DestinationSize);
        destinationField.Clear();
        destination.CopyTo(destinationField);
        sourceIdentity.CopyTo(header.Slice(SourceOffset, SourceSize));
        BinaryPrimitives.WriteUInt16BigEndian(header[EpochOffset..], (ushort)(epoch >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(header[(EpochOffset + 2)..], (uint)epoch);
        BinaryPrimitives.WriteUInt32BigEndian(header[CounterOffset..], (uint)counter);
    }

    /// <summary>Structural check before anything else reads the header: length, flags, IPv4 padding.</summary>
    public static bool IsValid(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size || (payload[FlagsOffset] & ~(int)DataFlags.All) != 0)
        {
            return false;
        }

        return !IsIpv4(payload) || payload.Slice(DestinationOffset + 4, DestinationSize - 4).IndexOfAnyExcept((byte)0) < 0;
    }

    /// <summary>The destination address: 16 bytes for IPv6, 4 for IPv4. The header must be valid.</summary>
    public static ReadOnlySpan<byte> Destination(ReadOnlySpan<byte> header) =>
        header.Slice(DestinationOffset, IsIpv4(header) ? 4 : 16);

    public static DataFlags Flags(ReadOnlySpan<byte> header) => (DataFlags)header[FlagsOffset];

    public static ReadOnlySpan<byte> SourceIdentity(ReadOnlySpan<byte> header) => header.Slice(SourceOffset, SourceSize);

    public static ulong Epoch(ReadOnlySpan<byte> header) =>
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(header[EpochOffset..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(header[(EpochOffset + 2)..]);

    public static ulong Counter(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32BigEndian(header[CounterOffset..]);

    private static bool IsIpv4(ReadOnlySpan<byte> header) => (header[FlagsOffset] & (byte)DataFlags.Ipv4Destination) != 0;
}
