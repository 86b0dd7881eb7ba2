using MeshActors.Protocol.Data;

namespace MeshActors.Protocol.Tests.Data;

public sealed class HopLimitNoticeTests
{
    [Fact]
    public void A_notice_names_the_payload_by_destination_epoch_and_counter()
    {
        var header = new byte[DataHeader.Size];
        var destination = Convert.FromHexString("fd6d1111111111110000000000000002");
        var source = new byte[DataHeader.SourceSize];
        DataHeader.Write(header, 1, default, destination, source, 0x0102030405060708, 42);
        var notice = new byte[HopLimitNotice.Size];

        HopLimitNotice.WriteFor(header, notice);

        Assert.True(HopLimitNotice.TryRead(notice, out var readDestination, out var epoch, out var counter));
        Assert.Equal(destination, readDestination.ToArray());
        Assert.Equal(0x0102030405060708ul, epoch);
        Assert.Equal(42ul, counter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(HopLimitNotice.Size - 1)]
    [InlineData(HopLimitNotice.Size + 1)]
    public void A_notice_of_another_size_is_refused(int size) =>
        Assert.False(HopLimitNotice.TryRead(new byte[size], out _, out _, out _));
}
