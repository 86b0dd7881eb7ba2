namespace MeshActors.Protocol.Routing;

/// <summary>
/// 16-bit route sequence numbers compared modulo 2^16 (RFC 8966 section 3.2.1): <c>a</c> is newer than <c>b</c>
/// when <c>(a - b) mod 2^16</c> lies in 1..32767, so the counter may wrap without ever going backwards.
/// </summary>
public static class Seqno
{
    /// <summary>Half the 16-bit space: differences at or above it count as "older".</summary>
    private const int HalfRange = 0x8000;

    public static bool IsNewer(ushort a, ushort b)
    {
        var difference = (ushort)(a - b);
        return difference != 0 && difference < HalfRange;
    }

    /// <summary>True when <paramref name="a"/> equals or is newer than <paramref name="b"/>.</summary>
    public static bool IsAtLeast(ushort a, ushort b) => a == b || IsNewer(a, b);

    public static ushort Next(ushort value) => unchecked((ushort)(value + 1));
}
