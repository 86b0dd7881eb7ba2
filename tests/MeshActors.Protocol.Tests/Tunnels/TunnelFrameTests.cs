using FsCheck.Xunit;
using MeshActors.Protocol.Tunnels;

namespace MeshActors.Protocol.Tests.Tunnels;

public sealed class TunnelFrameTests
{
    [Fact]
    public void Every_kind_round_trips()
    {
        const ulong stream = 0x0102030405060708;
        Assert.Equal(new TunnelFrame(TunnelFrameKind.Open, stream, TunnelProtocol.Udp, 5353), Read(TunnelFrame.Open(stream, TunnelProtocol.Udp, 5353)));
        Assert.Equal(new TunnelFrame(TunnelFrameKind.Accept, stream), Read(TunnelFrame.Accept(stream)));
        Assert.Equal(new TunnelFrame(TunnelFrameKind.Refuse, stream, Refusal: TunnelRefusal.TooManyStreams), Read(TunnelFrame.Refuse(stream, TunnelRefusal.TooManyStreams)));
        Assert.Equal(new TunnelFrame(TunnelFrameKind.Credit, stream, Number: 40), Read(TunnelFrame.Credit(stream, 40)));
        Assert.Equal(new TunnelFrame(TunnelFrameKind.Close, stream, Number: 7, Reset: true), Read(TunnelFrame.Close(stream, 7, reset: true)));

        var data = Read(TunnelFrame.DataFrame(stream, 3, "abc"u8));
        Assert.Equal((TunnelFrameKind.Data, stream, 3u), (data.Kind, data.Stream, data.Number));
        Assert.Equal("abc"u8.ToArray(), data.Data.ToArray());
    }

    [Fact]
    public void The_layout_is_version_kind_stream_then_the_body()
    {
        Assert.Equal([1, 1, 0, 0, 0, 0, 0, 0, 0, 9, 6, 0x14, 0x51], TunnelFrame.Open(9, TunnelProtocol.Tcp, 5201));
        Assert.Equal([1, 6, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 2], TunnelFrame.Close(9, 2, reset: false));
    }

    [Fact]
    public void A_data_frame_holds_1_to_16_KiB()
    {
        Assert.Throws<ArgumentException>(() => TunnelFrame.DataFrame(1, 0, []));
        Assert.Throws<ArgumentException>(() => TunnelFrame.DataFrame(1, 0, new byte[TunnelFrame.MaxData + 1]));
        Assert.Equal(TunnelFrame.MaxData, Read(TunnelFrame.DataFrame(1, 0, new byte[TunnelFrame.MaxData])).Data.Length);
    }

    public static TheoryData<byte[]> Malformed()
    {
        byte[] With(byte[] frame, int at, byte value)
        {
            frame[at] = value;
            return frame;
        }

        return new TheoryData<byte[]>
        {
            Array.Empty<byte>(),
            TunnelFrame.Accept(1)[..9],
            With(TunnelFrame.Accept(1), 0, 2),
            With(TunnelFrame.Accept(1), 1, 7),
            With(TunnelFrame.Accept(1), 1, 0),
            TunnelFrame.Accept(1).Append((byte)0).ToArray(),
            With(TunnelFrame.Open(1, TunnelProtocol.Tcp, 80), 10, 1),
            With(With(TunnelFrame.Open(1, TunnelProtocol.Tcp, 80), 11, 0), 12, 0),
            TunnelFrame.Open(1, TunnelProtocol.Tcp, 80)[..12],
            With(TunnelFrame.Refuse(1, TunnelRefusal.NotExposed), 10, 0),
            With(TunnelFrame.Refuse(1, TunnelRefusal.NotExposed), 10, 4),
            TunnelFrame.DataFrame(1, 0, [1])[..14],
            TunnelFrame.DataFrame(1, 0, new byte[TunnelFrame.MaxData]).Append((byte)0).ToArray(),
            TunnelFrame.Credit(1, 1)[..13],
            With(TunnelFrame.Close(1, 0, reset: false), 10, 2),
            TunnelFrame.Close(1, 0, reset: false)[..14],
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_frames_are_refused(byte[] frame) => Assert.False(TunnelFrame.TryRead(frame, out _));

    [Property]
    public bool Any_bytes_are_read_or_refused_without_throwing(byte[] frame) =>
        TunnelFrame.TryRead(frame, out var read) || read == default;

    private static TunnelFrame Read(byte[] frame)
    {
        Assert.True(TunnelFrame.TryRead(frame, out var read));
        return read;
    }
}
