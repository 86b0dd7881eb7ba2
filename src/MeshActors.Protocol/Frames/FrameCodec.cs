namespace MeshActors.Protocol.Frames;

/// <summary>
/// Structural validation of one whole link frame (a UDP datagram or one TCP-framed record). Checks only what
/// costs nothing — sizes, version, type, flags, fixed fields — so every malformed frame is dropped before any
/// cryptography runs. Never throws and never allocates.
/// </summary>
public static class FrameCodec
{
    public static FrameParseError TryParse(ReadOnlySpan<byte> frame, out ParsedFrame parsed)
    {
        parsed = default;
        if (frame.Length < FrameLayout.HeaderSize)
        {
            return FrameParseError.TooShort;
        }

        if (frame.Length > FrameLayout.MaxFrameSize)
        {
            return FrameParseError.TooLong;
        }

        if (frame[FrameLayout.VersionOffset] != FrameLayout.Version)
        {
            return FrameParseError.UnknownVersion;
        }

        var header = FrameHeader.ReadUnchecked(frame);
        var error = header.Type switch
        {
            FrameType.HandshakeInit or FrameType.HandshakeResponse or FrameType.HandshakeFinish => CheckHandshake(header, frame.Length),
            FrameType.Hello or FrameType.Ihu or FrameType.Control or FrameType.Data or FrameType.KeepAlive or FrameType.Close
                or FrameType.EndToEndData or FrameType.Segment =>
                CheckTransport(header, frame.Length),
            _ => FrameParseError.UnknownType,
        };
        if (error != FrameParseError.None)
        {
            return error;
        }

        var bodyLength = frame.Length - FrameLayout.HeaderSize - (header.Type.IsTransport() ? FrameLayout.TagSize : 0);
        parsed = new ParsedFrame(header, bodyLength);
        return FrameParseError.None;
    }

    /// <summary>The exact payload length a transport type requires, or -1 when any length in 1..max is allowed.</summary>
    public static int FixedPayloadLength(FrameType type) => type switch
    {
        FrameType.Hello => HelloPayload.Size,
        FrameType.Ihu => IhuPayload.Size,
        FrameType.KeepAlive => 0,
        FrameType.Close => ClosePayload.Size,
        _ => -1,
    };

    /// <summary>True when a transport frame of <paramref name="type"/> may carry <paramref name="payloadLength"/> bytes.</summary>
    public static bool IsValidPayloadLength(FrameType type, int payloadLength)
    {
        if (type == FrameType.EndToEndData)
        {
            return payloadLength is >= FrameLayout.MinEndToEndDataPayload and <= FrameLayout.MaxPayloadSize;
        }

        if (type == FrameType.Segment)
        {
            return payloadLength is > SegmentHeader.Size and <= FrameLayout.MaxPayloadSize;
        }

        var fixedLength = FixedPayloadLength(type);
        return fixedLength >= 0 ? payloadLength == fixedLength : payloadLength is >= 1 and <= FrameLayout.MaxPayloadSize;
    }

    private static FrameParseError CheckHandshake(FrameHeader header, int length)
    {
        var flags = (HandshakeFlags)header.Flags;
        if ((flags & ~HandshakeFlags.All) != 0
            || (header.Type == FrameType.HandshakeFinish && (flags & HandshakeFlags.Pinned) != 0))
        {
            return FrameParseError.BadFlags;
        }

        if (header.Counter != 0 || (header.Type == FrameType.HandshakeInit && header.ReceiverIndex != 0))
        {
            return FrameParseError.BadField;
        }

        var expected = HandshakeLayout.SizeOf(header.Type, flags);
        return length < expected ? FrameParseError.TooShort
            : length > expected ? FrameParseError.TooLong
            : FrameParseError.None;
    }

    private static FrameParseError CheckTransport(FrameHeader header, int length)
    {
        if (header.Flags != 0)
        {
            return FrameParseError.BadFlags;
        }

        if (length < FrameLayout.TransportOverhead)
        {
            return FrameParseError.TooShort;
        }

        return IsValidPayloadLength(header.Type, length - FrameLayout.TransportOverhead)
            ? FrameParseError.None
            : FrameParseError.BadLength;
    }
}
