using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MeshActors.Protocol.Routing;

namespace MeshActors.Protocol.Nat;

/// <summary>
/// Control payload of kind <see cref="ControlKinds.Reflection"/>: the underlay endpoint (address and port) the sender
/// sees the receiver's frames come from (PROTOCOL.md §7). An IPv4 address seen through a dual-stack socket
/// (::ffff:a.b.c.d) travels as IPv4. Decoding never throws; anything malformed is refused.
/// </summary>
public static class ReflectionCodec
{
    public const byte Version = 1;

    /// <summary>Kind, version, family, reserved, port: the bytes before the address.</summary>
    public const int FixedSize = 6;

    public const int Ipv4Size = FixedSize + 4;

    public const int Ipv6Size = FixedSize + 16;

    public static byte[] Encode(IPEndPoint seen)
    {
        var address = seen.Address.IsIPv4MappedToIPv6 ? seen.Address.MapToIPv4() : seen.Address;
        var isV4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (seen.Port == 0 || (!isV4 && address.AddressFamily != AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException("a reflection needs an IPv4 or IPv6 address and a port other than 0", nameof(seen));
        }

        var payload = new byte[isV4 ? Ipv4Size : Ipv6Size];
        payload[0] = ControlKinds.Reflection;
        payload[1] = Version;
        payload[2] = isV4 ? (byte)4 : (byte)6;
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(4), (ushort)seen.Port);
        address.TryWriteBytes(payload.AsSpan(FixedSize), out _);
        return payload;
    }

    /// <summary>False for a wrong kind, version or family, a non-zero reserved byte, port 0 or a length that does not
    /// match the family.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out IPEndPoint? seen)
    {
        seen = null;
        if (payload.Length < FixedSize || payload[0] != ControlKinds.Reflection || payload[1] != Version || payload[3] != 0)
        {
            return false;
        }

        var expected = payload[2] switch
        {
            4 => Ipv4Size,
            6 => Ipv6Size,
            _ => -1,
        };
        var port = BinaryPrimitives.ReadUInt16BigEndian(payload[4..]);
        if (payload.Length != expected || port == 0)
        {
            return false;
        }

        seen = new IPEndPoint(new IPAddress(payload[FixedSize..]), port);
        return true;
    }
}
