namespace MeshActors.Protocol.Socks;

/// <summary>
/// Byte values of SOCKS version 5 (RFC 1928): the version, the one method this gateway speaks (no authentication),
/// commands and address types. The gateway serves CONNECT only; the other commands are read so they can be refused
/// with <see cref="SocksReply.CommandNotSupported"/>.
/// </summary>
public static class Socks5
{
    public const byte Version = 0x05;

    /// <summary>Method 0x00: no authentication (the gateway listens on loopback only, so none is needed).</summary>
    public const byte NoAuthentication = 0x00;

    /// <summary>Method reply 0xFF: none of the client's methods is acceptable; the client must close.</summary>
    public const byte NoAcceptableMethod = 0xFF;

    /// <summary>Longest greeting: version, method count, 255 methods.</summary>
    public const int MaxGreetingLength = 2 + 255;

    /// <summary>Longest request: version, command, reserved, address type, length byte, 255-byte name, port.</summary>
    public const int MaxRequestLength = 4 + 1 + 255 + 2;

    /// <summary>Longest reply this gateway writes: the fixed four bytes, a 16-byte IPv6 address and the port.</summary>
    public const int MaxReplyLength = 4 + 16 + 2;
}

/// <summary>The CMD field of a request.</summary>
public enum SocksCommand : byte
{
    Connect = 0x01,
    Bind = 0x02,
    UdpAssociate = 0x03,
}

/// <summary>The ATYP field of a request or reply.</summary>
public enum SocksAddressType : byte
{
    Ipv4 = 0x01,
    DomainName = 0x03,
    Ipv6 = 0x04,
}

/// <summary>The REP field of a reply (RFC 1928 §6).</summary>
public enum SocksReply : byte
{
    Succeeded = 0x00,
    GeneralFailure = 0x01,
    NotAllowed = 0x02,
    NetworkUnreachable = 0x03,
    HostUnreachable = 0x04,
    ConnectionRefused = 0x05,
    TtlExpired = 0x06,
    CommandNotSupported = 0x07,
    AddressTypeNotSupported = 0x08,
}

/// <summary>What reading a greeting or a request from the bytes received so far found.</summary>
public enum SocksParse
{
    /// <summary>A whole message; its length is reported.</summary>
    Complete,

    /// <summary>A prefix of a message that may still become valid: read more.</summary>
    NeedMore,

    /// <summary>The first byte is not 5 (a SOCKS4 client, or not SOCKS at all).</summary>
    BadVersion,

    /// <summary>A field no valid message holds (no methods, a non-zero reserved byte, an empty or non-hostname name).</summary>
    Malformed,

    /// <summary>A whole greeting that does not offer "no authentication".</summary>
    NoAcceptableMethod,

    /// <summary>A request whose address type is none of IPv4, domain name, IPv6.</summary>
    UnsupportedAddressType,
}
