using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MeshActors.Protocol.Routing;

/// <summary>
/// Compact, allocation-free form of an <see cref="IpPrefix"/> used as a routing-table key: the network as a
/// 128-bit big-endian number (IPv4 sits in the top 32 bits of <see cref="High"/>), the length and the family.
/// Host bits are always zero, so two equal prefixes compare equal field by field.
/// </summary>
public readonly record struct RoutePrefix
{
    private RoutePrefix(ulong high, ulong low, byte length, bool isIPv6)
    {
        High = high;
        Low = low;
        Length = length;
        IsIPv6 = isIPv6;
    }

    public ulong High { get; }

    public ulong Low { get; }

    public byte Length { get; }

    public bool IsIPv6 { get; }

    public int MaxLength => IsIPv6 ? 128 : 32;

    /// <summary>Number of network bytes carried on the wire: the length rounded up to whole bytes.</summary>
    public int NetworkByteCount => (Length + 7) / 8;

    public static RoutePrefix From(IpPrefix prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        prefix.Network.TryWriteBytes(bytes, out var written);
        return FromAddressBytes(bytes[..written], prefix.Length);
    }

    public static RoutePrefix Parse(string cidr) => From(IpPrefix.Parse(cidr));

    /// <summary>
    /// The prefix of <paramref name="length"/> bits covering <paramref name="address"/> (4 or 16 bytes); host bits
    /// are cleared.
    /// </summary>
    public static RoutePrefix FromAddressBytes(ReadOnlySpan<byte> address, int length)
    {
        var isIPv6 = address.Length == 16;
        if (!isIPv6 && address.Length != 4)
        {
            throw new ArgumentException("an address is 4 or 16 bytes", nameof(address));
        }

        if (length < 0 || length > address.Length * 8)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        var (high, low) = ToWords(address);
        (high, low) = Mask(high, low, length);
        return new RoutePrefix(high, low, (byte)length, isIPv6);
    }

    /// <summary>
    /// The prefix of <paramref name="length"/> bits of an address already read with <see cref="ReadAddress"/>; host
    /// bits are cleared. Allocation-free building block for longest-prefix match.
    /// </summary>
    public static RoutePrefix FromWords(ulong high, ulong low, int length, bool isIPv6)
    {
        var (maskedHigh, maskedLow) = Mask(high, low, length);
        return new RoutePrefix(maskedHigh, maskedLow, (byte)length, isIPv6);
    }

    /// <summary>A 4- or 16-byte address as a 128-bit big-endian number (IPv4 in the top 32 bits).</summary>
    public static (ulong High, ulong Low) ReadAddress(ReadOnlySpan<byte> address) => ToWords(address);

    /// <summary>
    /// Builds a prefix from wire fields; fails (no exception) when the length is out of range, the byte count is
    /// not exactly the rounded-up length, or any host bit is set.
    /// </summary>
    public static bool TryCreate(bool isIPv6, int length, ReadOnlySpan<byte> networkBytes, out RoutePrefix prefix)
    {
        prefix = default;
        var max = isIPv6 ? 128 : 32;
        if (length < 0 || length > max || networkBytes.Length != (length + 7) / 8)
        {
            return false;
        }

        Span<byte> full = stackalloc byte[isIPv6 ? 16 : 4];
        full.Clear();
        networkBytes.CopyTo(full);
        var (high, low) = ToWords(full);
        var (maskedHigh, maskedLow) = Mask(high, low, length);
        if (maskedHigh != high || maskedLow != low)
        {
            return false;
        }

        prefix = new RoutePrefix(high, low, (byte)length, isIPv6);
        return true;
    }

    /// <summary>True when the 4- or 16-byte <paramref name="address"/> lies inside this prefix.</summary>
    public bool Contains(ReadOnlySpan<byte> address)
    {
        if (address.Length != (IsIPv6 ? 16 : 4))
        {
            return false;
        }

        var (high, low) = ToWords(address);
        var (maskedHigh, maskedLow) = Mask(high, low, Length);
        return maskedHigh == High && maskedLow == Low;
    }

    /// <summary>Writes the first <see cref="NetworkByteCount"/> network bytes.</summary>
    public void WriteNetworkBytes(Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(full, High);
        BinaryPrimitives.WriteUInt64BigEndian(full[8..], Low);
        full[..NetworkByteCount].CopyTo(destination);
    }

    public IpPrefix ToIpPrefix()
    {
        Span<byte> full = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(full, High);
        BinaryPrimitives.WriteUInt64BigEndian(full[8..], Low);
        return IpPrefix.Create(new IPAddress(full[..(IsIPv6 ? 16 : 4)]), Length);
    }

    public AddressFamily Family => IsIPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    public override string ToString() => ToIpPrefix().ToString();

    /// <summary>Reads a 4- or 16-byte address as a 128-bit number, IPv4 in the top 32 bits.</summary>
    internal static (ulong High, ulong Low) ToWords(ReadOnlySpan<byte> address) => address.Length == 16
        ? (BinaryPrimitives.ReadUInt64BigEndian(address), BinaryPrimitives.ReadUInt64BigEndian(address[8..]))
        : ((ulong)BinaryPrimitives.ReadUInt32BigEndian(address) << 32, 0UL);

    /// <summary>Keeps the first <paramref name="length"/> bits of a 128-bit number.</summary>
    internal static (ulong High, ulong Low) Mask(ulong high, ulong low, int length)
    {
        if (length == 0)
        {
            return (0, 0);
        }

        // Shifts by 64 are masked to 0 in C#, so each branch keeps its shift count in 0..63.
        return length <= 64
            ? (high & (ulong.MaxValue << (64 - length)), 0)
            : (high, low & (ulong.MaxValue << (128 - length)));
    }
}
