using System.Buffers.Binary;

namespace MeshActors.Protocol.Ip;

/// <summary>The RFC 1071 ones'-complement sum used by IPv4, ICMPv4 and (with a pseudo-header) ICMPv6.</summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> as big-endian 16-bit words to a running 32-bit sum (odd tail padded with zero).</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        return Fold(sum);
    }

    /// <summary>The checksum field value: complement of the folded sum.</summary>
    public static ushort Finish(uint sum) => (ushort)~Fold(sum);

    /// <summary>
    /// Sum of the IPv6 pseudo-header (RFC 8200 §8.1): source, destination, upper-layer length, next header.
    /// </summary>
    public static uint Ipv6PseudoHeader(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, int upperLayerLength, byte nextHeader)
    {
        var sum = Add(0, source);
        sum = Add(sum, destination);
        sum += (uint)(upperLayerLength >> 16) + (uint)(upperLayerLength & 0xffff);
        sum += nextHeader;
        return Fold(sum);
    }

    /// <summary>The sum folded to 16 bits, not complemented (a partial checksum as Linux stores it).</summary>
    public static ushort Fold(uint sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)sum;
    }
}
