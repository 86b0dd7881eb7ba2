using System.Buffers.Binary;

namespace MeshActors.Protocol.Tunnels;

public enum TunnelFrameKind : byte
{
    /// <summary>Near → far: open a stream to this exposed protocol and port.</summary>
    Open = 1,

    /// <summary>Far → near: the stream is connected.</summary>
    Accept = 2,

    /// <summary>Far → near: the stream is refused, with a <see cref="TunnelRefusal"/>.</summary>
    Refuse = 3,

    /// <summary>Either way: the next bytes of the stream (a TCP stretch or one UDP datagram), numbered from 0.</summary>
    Data = 4,

    /// <summary>Either way: how many Data frames the sender of this frame has written out so far (the flow window).</summary>
    Credit = 5,

    /// <summary>Either way: the sender sends nothing more after its Data frame count (or, reset, drop everything now).</summary>
    Close = 6,
}

public enum TunnelProtocol : byte
{
    Tcp = 6,
    Udp = 17,
}

public enum TunnelRefusal : byte
{
    /// <summary>The far node does not expose that protocol and port (deny by default).</summary>
    NotExposed = 1,

    /// <summary>Nothing accepted the connection on the far node's loopback.</summary>
    ConnectFailed = 2,

    /// <summary>The far node runs as many streams as it allows.</summary>
    TooManyStreams = 3,
}

/// <summary>
/// One port-tunnel frame, the payload of one tunnel-bus message (PROTOCOL.md §10). A stream is known by the opening
/// node's key and its random 64-bit id. Decoding never throws; anything malformed is refused.
/// </summary>
public readonly record struct TunnelFrame(
    TunnelFrameKind Kind,
    ulong Stream,
    TunnelProtocol Protocol = default,
    ushort Port = 0,
    TunnelRefusal Refusal = default,
    uint Number = 0,
    bool Reset = false,
    ReadOnlyMemory<byte> Data = default)
{
    public const byte Version = 1;

    /// <summary>Version, kind, stream id.</summary>
    public const int HeaderSize = 10;

    /// <summary>Most bytes one Data frame carries: 16 chunks of the bus, few enough to keep a window of them small.</summary>
    public const int MaxData = 16 * 1024;

    public static byte[] Open(ulong stream, TunnelProtocol protocol, ushort port)
    {
        var frame = Header(TunnelFrameKind.Open, stream, 3);
        frame[HeaderSize] = (byte)protocol;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(HeaderSize + 1), port);
        return frame;
    }

    public static byte[] Accept(ulong stream) => Header(TunnelFrameKind.Accept, stream, 0);

    public static byte[] Refuse(ulong stream, TunnelRefusal refusal)
    {
        var frame = Header(TunnelFrameKind.Refuse, stream, 1);
        frame[HeaderSize] = (byte)refusal;
        return frame;
    }

    /// <param name="data">1 to <see cref="MaxData"/> bytes.</param>
    public static byte[] DataFrame(ulong stream, uint sequence, ReadOnlySpan<byte> data)
    {
        if (data.Length is 0 or > MaxData)
        {
            throw new ArgumentException($"a Data frame carries 1 to {MaxData} bytes", nameof(data));
        }

        var frame = Header(TunnelFrameKind.Data, stream, 4 + data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(HeaderSize), sequence);
        data.CopyTo(frame.AsSpan(HeaderSize + 4));
        return frame;
    }

    public static byte[] Credit(ulong stream, uint written)
    {
        var frame = Header(TunnelFrameKind.Credit, stream, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(HeaderSize), written);
        return frame;
    }

    public static byte[] Close(ulong stream, uint sent, bool reset)
    {
        var frame = Header(TunnelFrameKind.Close, stream, 5);
        frame[HeaderSize] = reset ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(HeaderSize + 1), sent);
        return frame;
    }

    /// <summary>False for another version, an unknown kind, protocol or refusal, a length that does not fit the kind,
    /// port 0, an empty or oversized Data frame, or a Close flag other than reset. <see cref="Data"/> points into
    /// <paramref name="frame"/>.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> frame, out TunnelFrame read)
    {
        read = default;
        var span = frame.Span;
        if (span.Length < HeaderSize || span[0] != Version)
        {
            return false;
        }

        var stream = BinaryPrimitives.ReadUInt64BigEndian(span[2..]);
        var body = span[HeaderSize..];
        switch ((TunnelFrameKind)span[1])
        {
            case TunnelFrameKind.Open when body.Length == 3 && (TunnelProtocol)body[0] is TunnelProtocol.Tcp or TunnelProtocol.Udp:
                var port = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
                if (port == 0)
                {
                    return false;
                }

                read = new TunnelFrame(TunnelFrameKind.Open, stream, (TunnelProtocol)body[0], port);
                return true;
            case TunnelFrameKind.Accept when body.Length == 0:
                read = new TunnelFrame(TunnelFrameKind.Accept, stream);
                return true;
            case TunnelFrameKind.Refuse when body.Length == 1 && (TunnelRefusal)body[0] is >= TunnelRefusal.NotExposed and <= TunnelRefusal.TooManyStreams:
                read = new TunnelFrame(TunnelFrameKind.Refuse, stream, Refusal: (TunnelRefusal)body[0]);
                return true;
            case TunnelFrameKind.Data when body.Length is > 4 and <= 4 + MaxData:
                read = new TunnelFrame(TunnelFrameKind.Data, stream, Number: BinaryPrimitives.ReadUInt32BigEndian(body), Data: frame[(HeaderSize + 4)..]);
                return true;
            case TunnelFrameKind.Credit when body.Length == 4:
                read = new TunnelFrame(TunnelFrameKind.Credit, stream, Number: BinaryPrimitives.ReadUInt32BigEndian(body));
                return true;
            case TunnelFrameKind.Close when body.Length == 5 && body[0] <= 1:
                read = new TunnelFrame(TunnelFrameKind.Close, stream, Number: BinaryPrimitives.ReadUInt32BigEndian(body[1..]), Reset: body[0] == 1);
                return true;
            default:
                return false;
        }
    }

    private static byte[] Header(TunnelFrameKind kind, ulong stream, int bodyLength)
    {
        var frame = new byte[HeaderSize + bodyLength];
        frame[0] = Version;
        frame[1] = (byte)kind;
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), stream);
        return frame;
    }
}
