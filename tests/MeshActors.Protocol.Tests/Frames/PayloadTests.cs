using FsCheck.Xunit;
using MeshActors.Protocol.Frames;

namespace MeshActors.Protocol.Tests.Frames;

public class PayloadTests
{
    [Fact]
    public void Hello_layout_is_fixed()
    {
        var bytes = new byte[HelloPayload.Size];
        new HelloPayload(0x0102, 0x0304, 0x05060708090a0b0c).Write(bytes);
        Assert.Equal("01020304 05060708090a0b0c".Replace(" ", ""), Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Ihu_layout_is_fixed()
    {
        var bytes = new byte[IhuPayload.Size];
        new IhuPayload(0x0102030405060708, 0x090a0b0c, 0x0d0e, 0x0f10).Write(bytes);
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", Convert.ToHexStringLower(bytes));
    }

    [Property]
    public bool Hello_round_trips(ushort seqno, ushort interval, ulong timestamp)
    {
        var hello = new HelloPayload(seqno, interval, timestamp);
        var bytes = new byte[HelloPayload.Size];
        hello.Write(bytes);
        return HelloPayload.TryRead(bytes, out var read) && read == hello;
    }

    [Property]
    public bool Ihu_round_trips(ulong echoed, uint delay, ushort received, ushort expected)
    {
        var ihu = new IhuPayload(echoed, delay, received, expected);
        var bytes = new byte[IhuPayload.Size];
        ihu.Write(bytes);
        return IhuPayload.TryRead(bytes, out var read) && read == ihu;
    }

    [Fact]
    public void Wrong_sizes_are_refused()
    {
        Assert.False(HelloPayload.TryRead(new byte[HelloPayload.Size - 1], out _));
        Assert.False(HelloPayload.TryRead(new byte[HelloPayload.Size + 1], out _));
        Assert.False(IhuPayload.TryRead(new byte[IhuPayload.Size - 1], out _));
        Assert.False(IhuPayload.TryRead(new byte[IhuPayload.Size + 1], out _));
    }

    [Fact]
    public void Close_reason_round_trips_and_unknown_reads_as_unspecified()
    {
        var bytes = new byte[ClosePayload.Size];
        ClosePayload.Write(bytes, CloseReason.Rekeyed);
        Assert.Equal(CloseReason.Rekeyed, ClosePayload.Read(bytes));
        Assert.Equal(CloseReason.Unspecified, ClosePayload.Read([200]));
        Assert.Equal(CloseReason.Unspecified, ClosePayload.Read([]));
    }
}
