namespace MeshActors.Protocol.Routing;

/// <summary>Why a routing payload was rejected. Decoders return one of these instead of throwing.</summary>
public enum RoutingDecodeError
{
    None = 0,

    /// <summary>The payload ends inside the header or an entry.</summary>
    Truncated,

    /// <summary>The first byte is not the expected message kind.</summary>
    WrongKind,

    /// <summary>The header announces zero entries.</summary>
    Empty,

    /// <summary>The family byte is neither 4 nor 6.</summary>
    BadFamily,

    /// <summary>The prefix length exceeds 32 (IPv4) or 128 (IPv6).</summary>
    BadPrefixLength,

    /// <summary>A bit past the prefix length is set.</summary>
    HostBitsSet,

    /// <summary>Bytes remain after the announced number of entries.</summary>
    TrailingBytes,

    /// <summary>A seqno request with hop count 0 (it could never be forwarded or answered usefully).</summary>
    ZeroHopCount,
}
