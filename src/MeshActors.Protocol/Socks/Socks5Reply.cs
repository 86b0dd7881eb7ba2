using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MeshActors.Protocol.Socks;

/// <summary>The server's reply to a request (VER, REP, RSV, ATYP, BND.ADDR, BND.PORT).</summary>
public static class Socks5Reply
{
    /// <summary>
    /// Writes a reply into <paramref name="destination"/> (at least <see cref="Socks5.MaxReplyLength"/> bytes) and
    /// returns its length. <paramref name="bound"/> is the gateway's local end of the connection to the target; a
    /// refusal has none and carries 0.0.0.0:0, as RFC 1928 leaves the address of a failed request unspecified.
    /// </summary>
    public static int Write(Span<byte> destination, SocksReply reply, IPEndPoint? bound)
    {
        destination[0] = Socks5.Version;
        destination[1] = (byte)reply;
        destination[2] = 0;
        var address = bound?.Address ?? IPAddress.Any;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        destination[3] = (byte)(v6 ? SocksAddressType.Ipv6 : SocksAddressType.Ipv4);
        var addressLength = v6 ? 16 : 4;
        if (!address.TryWriteBytes(destination.Slice(4, addressLength), out _))
        {
            throw new ArgumentException("destination is shorter than a reply", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(4 + addressLength, 2), (ushort)(bound?.Port ?? 0));
        return 4 + addressLength + 2;
    }
}
