namespace MeshActors.Protocol.Routing;

/// <summary>Prefix encoding shared by the routing messages: family (4 or 6), length in bits, ceil(length/8) bytes.</summary>
internal static class PrefixWire
{
    public const byte FamilyIPv4 = 4;
    public const byte FamilyIPv6 = 6;

    /// <summary>Family and length bytes.</summary>
    public const int FixedSize = 2;

    public static int Size(in RoutePrefix prefix) => FixedSize + prefix.NetworkByteCount;

    public static int Write(Span<byte> destination, in RoutePrefix prefix)
    {
        destination[0] = prefix.IsIPv6 ? FamilyIPv6 : FamilyIPv4;
        destination[1] = prefix.Length;
        prefix.WriteNetworkBytes(destination[FixedSize..]);
        return Size(prefix);
    }

    public static RoutingDecodeError TryRead(ReadOnlySpan<byte> source, out RoutePrefix prefix, out int consumed)
    {
        prefix = default;
        consumed = 0;
        if (source.Length < FixedSize)
        {
            return RoutingDecodeError.Truncated;
        }

        var family = source[0];
        if (family is not (FamilyIPv4 or FamilyIPv6))
        {
            return RoutingDecodeError.BadFamily;
        }

        var isIPv6 = family == FamilyIPv6;
        int length = source[1];
        if (length > (isIPv6 ? 128 : 32))
        {
            return RoutingDecodeError.BadPrefixLength;
        }

        var byteCount = (length + 7) / 8;
        if (source.Length < FixedSize + byteCount)
        {
            return RoutingDecodeError.Truncated;
        }

        if (!RoutePrefix.TryCreate(isIPv6, length, source.Slice(FixedSize, byteCount), out prefix))
        {
            return RoutingDecodeError.HostBitsSet;
        }

        consumed = FixedSize + byteCount;
        return RoutingDecodeError.None;
    }
}
