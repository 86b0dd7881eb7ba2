using System.Buffers.Binary;

namespace MeshActors.Protocol.Discovery;

/// <summary>
/// The LAN discovery beacon (PROTOCOL.md §9): a node's key and the UDP port it takes links on, sent to an IPv6
/// link-local multicast group. Unsigned on purpose: a hearer dials the beacon's source with the key pinned, so a
/// forged beacon costs one handshake that fails, never a link to the wrong node. Decoding never throws.
/// </summary>
public static class LanBeacon
{
    public const int Size = 40;

    public const int KeySize = 32;

    public const byte Version = 1;

    /// <summary>The multicast group, <c>ff02::6d61:6c6e</c> ("maln"): link-local scope, so a beacon never leaves its link.</summary>
    public const string Group = "ff02::6d61:6c6e";

    private static ReadOnlySpan<byte> Magic => "MALN"u8;

    public static void Write(Span<byte> destination, ReadOnlySpan<byte> key, int port)
    {
        if (destination.Length < Size || key.Length != KeySize || port is < 1 or > 65535)
        {
            throw new ArgumentException($"a beacon needs {Size} bytes of room, a {KeySize}-byte key and a port 1..65535");
        }

        Magic.CopyTo(destination);
        destination[4] = Version;
        destination[5] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], (ushort)port);
        key.CopyTo(destination[8..]);
    }

    /// <summary>False for a wrong size, magic or version, a non-zero reserved byte or port 0.</summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out ReadOnlySpan<byte> key, out int port)
    {
        key = default;
        port = 0;
        if (datagram.Length != Size || !datagram[..4].SequenceEqual(Magic) || datagram[4] != Version || datagram[5] != 0)
        {
            return false;
        }

        port = BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]);
        key = datagram.Slice(8, KeySize);
        return port != 0;
    }
}
