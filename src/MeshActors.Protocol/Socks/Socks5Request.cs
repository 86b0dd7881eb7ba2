using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace MeshActors.Protocol.Socks;

/// <summary>
/// A client's request (VER, CMD, RSV, ATYP, DST.ADDR, DST.PORT): the command and the target, either an address or a
/// host name (ASCII letters, digits, '-', '_' and '.', as a DNS name is written, and ':' for a client that sends an
/// IPv6 literal as a name; anything else is malformed).
/// </summary>
public sealed record Socks5Request(SocksCommand Command, IPAddress? Address, string? Host, ushort Port)
{
    /// <summary>Reads a request from the start of <paramref name="input"/>; <paramref name="request"/> and
    /// <paramref name="length"/> are set when complete. An unknown command is still read (the caller refuses it).</summary>
    public static SocksParse TryRead(ReadOnlySpan<byte> input, out Socks5Request? request, out int length)
    {
        request = null;
        length = 0;
        if (input.Length == 0)
        {
            return SocksParse.NeedMore;
        }

        if (input[0] != Socks5.Version)
        {
            return SocksParse.BadVersion;
        }

        if (input.Length < 4)
        {
            return SocksParse.NeedMore;
        }

        if (input[2] != 0)
        {
            return SocksParse.Malformed;
        }

        int addressLength;
        int addressStart;
        switch ((SocksAddressType)input[3])
        {
            case SocksAddressType.Ipv4:
                (addressStart, addressLength) = (4, 4);
                break;
            case SocksAddressType.Ipv6:
                (addressStart, addressLength) = (4, 16);
                break;
            case SocksAddressType.DomainName:
                if (input.Length < 5)
                {
                    return SocksParse.NeedMore;
                }

                (addressStart, addressLength) = (5, input[4]);
                if (addressLength == 0)
                {
                    return SocksParse.Malformed;
                }

                break;
            default:
                return SocksParse.UnsupportedAddressType;
        }

        var total = addressStart + addressLength + 2;
        if (input.Length < total)
        {
            return SocksParse.NeedMore;
        }

        var address = input.Slice(addressStart, addressLength);
        var port = BinaryPrimitives.ReadUInt16BigEndian(input.Slice(addressStart + addressLength, 2));
        var command = (SocksCommand)input[1];
        if ((SocksAddressType)input[3] == SocksAddressType.DomainName)
        {
            if (!IsHostName(address))
            {
                return SocksParse.Malformed;
            }

            request = new Socks5Request(command, null, Encoding.ASCII.GetString(address), port);
        }
        else
        {
            request = new Socks5Request(command, new IPAddress(address), null, port);
        }

        length = total;
        return SocksParse.Complete;
    }

    private static bool IsHostName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)':'))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => $"{Command} {(Host ?? Address!.ToString())}:{Port}";
}
