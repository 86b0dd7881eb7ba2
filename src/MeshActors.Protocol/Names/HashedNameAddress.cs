using System.Buffers.Binary;
using System.Net;
using System.Numerics;
using System.Text;

namespace MeshActors.Protocol.Names;

/// <summary>
/// Smolmesh2's deterministic name → IPv6 form, for names nobody announced (README "Names"). Smolmesh2 runs a sponge
/// over the name built from one round of the Speck128 cipher (x = (x ⋙ 8) + y, x ^= k, y = (y ⋘ 3) ^ x, words u64):
/// state (a, b) = (69, byte length of the name); for each byte c: one round keyed by c, then 32 rounds keyed by 0;
/// then 32 more rounds keyed by 0; then single rounds keyed by 0 until b's two low bytes (little-endian) are fd 00.
/// The address is b little-endian followed by a little-endian, so it always lies in fd00::/16.
/// </summary>
public static class HashedNameAddress
{
    private const ulong InitialA = 69;
    private const int RoundsPerByte = 32;
    private const int FinalRounds = 32;

    public static IPAddress For(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        ulong a = InitialA;
        ulong b = (ulong)bytes.Length;
        foreach (var c in bytes)
        {
            (a, b) = Round(a, b, c);
            for (var i = 0; i < RoundsPerByte; i++)
            {
                (a, b) = Round(a, b, 0);
            }
        }

        for (var i = 0; i < FinalRounds; i++)
        {
            (a, b) = Round(a, b, 0);
        }

        // b's first little-endian bytes are its low bytes: fd 00 means the low 16 bits read 0x00fd.
        while ((b & 0xffff) != 0x00fd)
        {
            (a, b) = Round(a, b, 0);
        }

        Span<byte> address = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(address, b);
        BinaryPrimitives.WriteUInt64LittleEndian(address[8..], a);
        return new IPAddress(address);
    }

    /// <summary>One Speck128 encryption round with round key <paramref name="k"/>.</summary>
    internal static (ulong X, ulong Y) Round(ulong x, ulong y, ulong k)
    {
        x = BitOperations.RotateRight(x, 8);
        x += y;
        x ^= k;
        y = BitOperations.RotateLeft(y, 3);
        y ^= x;
        return (x, y);
    }
}
