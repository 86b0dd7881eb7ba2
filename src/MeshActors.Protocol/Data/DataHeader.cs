using System.Buffers.Binary;

namespace MeshActors.Protocol.Data;

/// <summary>
/// The cleartext header of a Data frame's payload (PROTOCOL.md "Data frames"): exactly what relays need to
/// forward (destination, hop limit) and what the receiver needs to find and check the end-to-end session
/// (source identity, epoch, counter). Everything after it is sealed end to end.
/// Layout (big-endian): hop limit u8 · family u8 (4 or 6) · flags u8 (<see cref="DataFlags"/>) · reserved u8 (0) ·
/// destination 16 · source identity 32 · epoch u64 · counter u64.
/// </summary>
public static class DataHeader
{
    /// <summary>Header bytes: 4 + 16 + 32 + 8 + 8.</summary>
    public const int Size = 68;

    /// <summary>Initial hop limit in bytes-on-wire terms (one hop = one link): 64, as the IPv6 default, far above any sane mesh diameter.</summary>
    public const byte DefaultHopLimit = 64;

    public const int HopLimitOffset = 0;
    public const int FamilyOffset = 1;
    public const int FlagsOffset = 2;
    public const int ReservedOffset = 3;
    public const int DestinationOffset = 4;
    public const int DestinationSize = 16;
    public const int SourceOffset = 20;
    public const int SourceSize = 32;
    public const int EpochOffset = 52;
    public const int CounterOffset = 60;

    public const byte FamilyIpv6 = 6;
    public const byte FamilyIpv4 = 4;

    /// <summary>
    /// Associated data of the end-to-end AEAD: the whole header except the hop limit (the one field relays change),
    /// so a relay cannot redirect a packet or swap its source without the receiver noticing.
    /// </summary>
    public static ReadOnlySpan<byte> AssociatedData(ReadOnlySpan<byte> header) => header[FamilyOffset..Size];

    /// <summary>Writes a header; <paramref name="destination"/> is 16 bytes (IPv6) or 4 bytes (IPv4, zero padded on the wire).</summary>
    public static void Write(
        Span<byte> header,
        byte hopLimit,
        DataFlags flags,
        ReadOnlySpan<byte> destination,
        ReadOnlySpan<byte> sourceIdentity,
        ulong epoch,
        ulong counter)
    {
        if (destination.Length is not (4 or 16) || sourceIdentity.Length != SourceSize)
        {
            throw new ArgumentException("destination is 4 or 16 bytes and the source identity 32");
        }

        header[HopLimitOffset] = hopLimit;
        header[FamilyOffset] = destination.Length == 16 ? FamilyIpv6 : FamilyIpv4;
        header[FlagsOffset] = (byte)flags;
        header[ReservedOffset] = 0;
        var destinationField = header.Slice(DestinationOffset, DestinationSize);
        destinationField.Clear();
        destination.CopyTo(destinationField);
        sourceIdentity.CopyTo(header.Slice(SourceOffset, SourceSize));
        BinaryPrimitives.WriteUInt64BigEndian(header[EpochOffset..], epoch);
        BinaryPrimitives.WriteUInt64BigEndian(header[CounterOffset..], counter);
    }

    /// <summary>Structural check before anything else reads the header: length, family, flags, reserved byte, IPv4 padding.</summary>
    public static bool IsValid(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size)
        {
            return false;
        }

        var family = payload[FamilyOffset];
        if (family is not (FamilyIpv4 or FamilyIpv6) || (payload[FlagsOffset] & ~(int)DataFlags.All) != 0 || payload[ReservedOffset] != 0)
        {
            return false;
        }

        return family == FamilyIpv6 || payload.Slice(DestinationOffset + 4, DestinationSize - 4).IndexOfAnyExcept((byte)0) < 0;
    }

    /// <summary>The destination address: 16 bytes for IPv6, 4 for IPv4. The header must be valid.</summary>
    public static ReadOnlySpan<byte> Destination(ReadOnlySpan<byte> header) =>
        header.Slice(DestinationOffset, header[FamilyOffset] == FamilyIpv6 ? 16 : 4);

    public static DataFlags Flags(ReadOnlySpan<byte> header) => (DataFlags)header[FlagsOffset];

    public static ReadOnlySpan<byte> SourceIdentity(ReadOnlySpan<byte> header) => header.Slice(SourceOffset, SourceSize);

    public static ulong Epoch(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt64BigEndian(header[EpochOffset..]);

    public static ulong Counter(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt64BigEndian(header[CounterOffset..]);
}
