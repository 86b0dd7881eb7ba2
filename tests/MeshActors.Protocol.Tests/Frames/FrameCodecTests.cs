using MeshActors.Protocol.Frames;

namespace MeshActors.Protocol.Tests.Frames;

public class FrameCodecTests
{
    private static byte[] Transport(FrameType type, int payloadLength, uint receiver = 7, ulong counter = 9)
    {
        var frame = new byte[payloadLength + FrameLayout.TransportOverhead];
        new FrameHeader(type, 0, receiver, counter).Write(frame);
        return frame;
    }

    [Fact]
    public void Header_is_big_endian_with_version_first()
    {
        var frame = new byte[FrameLayout.HeaderSize];
        new FrameHeader(FrameType.Data, 0, 0x01020304, 0x05060708).Write(frame);
        Assert.Equal("020700" + "01020304" + "05060708", Convert.ToHexStringLower(frame));
    }

    [Fact]
    public void A_counter_beyond_32_bits_is_refused_when_written() =>
        Assert.Throws<OverflowException>(() => new FrameHeader(FrameType.Data, 0, 1, 1UL << 32).Write(new byte[FrameLayout.HeaderSize]));

    [Theory]
    [InlineData(FrameType.Hello, HelloPayload.Size)]
    [InlineData(FrameType.Ihu, IhuPayload.Size)]
    [InlineData(FrameType.KeepAlive, 0)]
    [InlineData(FrameType.Close, 1)]
    [InlineData(FrameType.Control, 1)]
    [InlineData(FrameType.Data, 1400)]
    [InlineData(FrameType.Data, FrameLayout.MaxPayloadSize)]
    [InlineData(FrameType.EndToEndData, FrameLayout.MinEndToEndDataPayload)]
    [InlineData(FrameType.EndToEndData, FrameLayout.MaxPayloadSize)]
    public void Valid_transport_frames_parse(FrameType type, int payloadLength)
    {
        var frame = Transport(type, payloadLength);
        Assert.Equal(FrameParseError.None, FrameCodec.TryParse(frame, out var parsed));
        Assert.Equal(type, parsed.Header.Type);
        Assert.Equal(7u, parsed.Header.ReceiverIndex);
        Assert.Equal(9ul, parsed.Header.Counter);
        Assert.Equal(payloadLength, parsed.BodyLength);
        Assert.Equal(frame.Length, parsed.FrameLength);
    }

    [Theory]
    [InlineData(FrameType.Hello, HelloPayload.Size + 1)]
    [InlineData(FrameType.Ihu, IhuPayload.Size - 1)]
    [InlineData(FrameType.KeepAlive, 1)]
    [InlineData(FrameType.Close, 0)]
    [InlineData(FrameType.Data, 0)]
    [InlineData(FrameType.Control, 0)]
    [InlineData(FrameType.EndToEndData, FrameLayout.MinEndToEndDataPayload - 1)]
    public void Wrong_payload_length_for_the_type_is_bad_length(FrameType type, int payloadLength) =>
        Assert.Equal(FrameParseError.BadLength, FrameCodec.TryParse(Transport(type, payloadLength), out _));

    [Fact]
    public void Structural_errors_are_reported_by_reason()
    {
        Assert.Equal(FrameParseError.TooShort, FrameCodec.TryParse(new byte[FrameLayout.HeaderSize - 1], out _));
        Assert.Equal(FrameParseError.TooLong, FrameCodec.TryParse(new byte[FrameLayout.MaxFrameSize + 1], out _));

        var frame = Transport(FrameType.Data, 10);
        frame[0] = 1;
        Assert.Equal(FrameParseError.UnknownVersion, FrameCodec.TryParse(frame, out _));

        frame = Transport(FrameType.Data, 10);
        frame[1] = 0;
        Assert.Equal(FrameParseError.UnknownType, FrameCodec.TryParse(frame, out _));
        frame[1] = 12;
        Assert.Equal(FrameParseError.UnknownType, FrameCodec.TryParse(frame, out _));

        frame = Transport(FrameType.Data, 10);
        frame[2] = 1;
        Assert.Equal(FrameParseError.BadFlags, FrameCodec.TryParse(frame, out _));

        // A transport frame shorter than header + tag.
        frame = new byte[FrameLayout.HeaderSize + 3];
        new FrameHeader(FrameType.KeepAlive, 0, 1, 1).Write(frame);
        Assert.Equal(FrameParseError.TooShort, FrameCodec.TryParse(frame, out _));
    }

    [Theory]
    [InlineData(FrameType.HandshakeInit, HandshakeFlags.Pinned, 123)]
    [InlineData(FrameType.HandshakeInit, HandshakeFlags.None, 75)]
    [InlineData(FrameType.HandshakeResponse, HandshakeFlags.Pinned | HandshakeFlags.NetworkKey, 67)]
    [InlineData(FrameType.HandshakeResponse, HandshakeFlags.NetworkKey, 115)]
    [InlineData(FrameType.HandshakeFinish, HandshakeFlags.None, 75)]
    public void Handshake_frames_have_exact_sizes(FrameType type, HandshakeFlags flags, int size)
    {
        Assert.Equal(size, HandshakeLayout.SizeOf(type, flags));
        var receiver = type == FrameType.HandshakeInit ? 0u : 5u;
        var frame = new byte[size];
        new FrameHeader(type, (byte)flags, receiver, 0).Write(frame);
        Assert.Equal(FrameParseError.None, FrameCodec.TryParse(frame, out var parsed));
        Assert.Equal(size - FrameLayout.HeaderSize, parsed.BodyLength);

        Assert.Equal(FrameParseError.TooShort, FrameCodec.TryParse(frame.AsSpan(0, size - 1), out _));
        var longer = new byte[size + 1];
        frame.CopyTo(longer, 0);
        Assert.Equal(FrameParseError.TooLong, FrameCodec.TryParse(longer, out _));
    }

    [Fact]
    public void Handshake_frames_refuse_nonzero_fixed_fields_and_unknown_flags()
    {
        var init = new byte[HandshakeLayout.XxInitSize];
        new FrameHeader(FrameType.HandshakeInit, 0, 1, 0).Write(init);
        Assert.Equal(FrameParseError.BadField, FrameCodec.TryParse(init, out _));
        new FrameHeader(FrameType.HandshakeInit, 0, 0, 1).Write(init);
        Assert.Equal(FrameParseError.BadField, FrameCodec.TryParse(init, out _));
        new FrameHeader(FrameType.HandshakeInit, 4, 0, 0).Write(init);
        Assert.Equal(FrameParseError.BadFlags, FrameCodec.TryParse(init, out _));

        var finish = new byte[HandshakeLayout.XxFinishSize];
        new FrameHeader(FrameType.HandshakeFinish, (byte)HandshakeFlags.Pinned, 3, 0).Write(finish);
        Assert.Equal(FrameParseError.BadFlags, FrameCodec.TryParse(finish, out _));
    }

    [Fact]
    public void Parsing_does_not_allocate()
    {
        var frame = Transport(FrameType.Data, 1400);
        FrameCodec.TryParse(frame, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            FrameCodec.TryParse(frame, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
