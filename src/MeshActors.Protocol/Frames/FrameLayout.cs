namespace MeshActors.Protocol.Frames;

/// <summary>Sizes of the link frame format (PROTOCOL.md "Frame"). Protocol constants, not tuning values.</summary>
public static class FrameLayout
{
    /// <summary>Format version, first byte of every frame. A peer that sees another value drops the frame.
    /// 2: 11-byte frame header (no reserved byte, 32-bit counter) and 60-byte data header.</summary>
    public const byte Version = 2;

    /// <summary>Header bytes: version, type, flags (1 byte each), receiver index (u32), counter (u32).</summary>
    public const int HeaderSize = 11;

    /// <summary>Poly1305 and GCM tags are both 16 bytes.</summary>
    public const int TagSize = 16;

    /// <summary>Header plus tag: the headroom and tailroom a buffer needs around a transport payload.</summary>
    public const int TransportOverhead = HeaderSize + TagSize;

    /// <summary>
    /// Largest frame in bytes, on every transport: the largest UDP payload over IPv4 (65,535 − 20 IP − 8 UDP),
    /// so a frame that fits a TCP link also fits a datagram, and a 65,000-byte overlay MTU fits with room to spare.
    /// </summary>
    public const int MaxFrameSize = 65_507;

    /// <summary>Largest transport payload (bytes): <see cref="MaxFrameSize"/> minus header and tag.</summary>
    public const int MaxPayloadSize = MaxFrameSize - TransportOverhead;

    /// <summary>Bytes of an <see cref="FrameType.EndToEndData"/> payload the link encrypts: the data header.</summary>
    public const int EndToEndDataSealedPrefix = Data.DataHeader.Size;

    /// <summary>Smallest <see cref="FrameType.EndToEndData"/> payload: data header, inner type byte, end-to-end tag.</summary>
    public const int MinEndToEndDataPayload = Data.InnerLayout.Overhead;

    internal const int VersionOffset = 0;
    internal const int TypeOffset = 1;
    internal const int FlagsOffset = 2;
    internal const int ReceiverIndexOffset = 3;
    internal const int CounterOffset = 7;
}
