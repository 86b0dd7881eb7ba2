using MeshActors.Protocol.Data;

namespace MeshActors.Protocol.Tests.Data;

public sealed class RelayNoticeTests
{
    [Fact]
    public void A_notice_names_the_payload_by_destination_epoch_and_counter_and_carries_its_value()
    {
        var header = new byte[DataHeader.Size];
        var destination = Convert.FromHexString("fd6d1111111111110000000000000002");
        DataHeader.Write(header, 1, default, destination, new byte[DataHeader.SourceSize], 0x010203040506, 42);
        var notice = new byte[RelayNotice.Size];

        RelayNotice.WriteFor(header, 1335, notice);

        Assert.True(RelayNotice.TryRead(notice, out var readDestination, out var epoch, out var counter, out var value));
        Assert.Equal(destination, readDestination.ToArray());
        Assert.Equal(0x010203040506ul, epoch);
        Assert.Equal(42ul, counter);
        Assert.Equal(1335u, value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(RelayNotice.Size - 1)]
    [InlineData(RelayNotice.Size + 1)]
    public void A_notice_of_another_size_is_refused(int size) =>
        Assert.False(RelayNotice.TryRead(new byte[size], out _, out _, out _, out _));
}
