using System.Numerics;

namespace MeshActors.Crypto;

/// <summary>
/// The birational map from an Ed25519 public key (Edwards y coordinate) to the X25519 public key
/// (Montgomery u coordinate): u = (1 + y) / (1 - y) mod p, p = 2^255 − 19 (RFC 7748 §4.1).
/// Runs once per identity (handshake, cache miss), never per packet, so BigInteger is fine here.
/// </summary>
internal static class MontgomeryConversion
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    public static bool TryEdwardsToMontgomery(ReadOnlySpan<byte> edwards, Span<byte> montgomery)
    {
        if (edwards.Length != 32 || montgomery.Length < 32)
        {
            return false;
        }

        Span<byte> yBytes = stackalloc byte[32];
        edwards.CopyTo(yBytes);
        yBytes[31] &= 0x7f; // the top bit is the sign of x, not part of y
        var y = new BigInteger(yBytes, isUnsigned: true, isBigEndian: false);
        if (y >= P)
        {
            return false;
        }

        var denominator = Mod(BigInteger.One - y);
        if (denominator.IsZero)
        {
            return false; // y = 1 is the neutral point, which has no Montgomery image
        }

        var u = Mod((BigInteger.One + y) * BigInteger.ModPow(denominator, P - 2, P));
        montgomery[..32].Clear();
        return u.TryWriteBytes(montgomery[..32], out _, isUnsigned: true, isBigEndian: false);
    }

    private static BigInteger Mod(BigInteger value)
    {
        var r = value % P;
        return r.Sign < 0 ? r + P : r;
    }
}
