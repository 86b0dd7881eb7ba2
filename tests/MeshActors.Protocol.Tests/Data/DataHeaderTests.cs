using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshActors.Protocol.Data;

namespace MeshActors.Protocol.Tests.Data;

public sealed class DataHeaderTests
{
    [Property]
    public Property Fields_round_trip(byte hopLimit, bool ipv6, ulong epoch, ulong counter, int seed)
    {
        var random = new Random(seed);
        var destination = new byte[ipv6 ? 16 : 4];
        var source = new byte[32];
        random.NextBytes(destination);
        random.NextBytes(source);
        var header = new byte[DataHeader.Size];

        DataHeader.Write(header, hopLimit, DataFlags.OpensAes, destination, source, epoch, counter);

        return (DataHeader.IsValid(header)
                && header[DataHeader.HopLimitOffset] == hopLimit
                && DataHeader.Flags(header) == DataFlags.OpensAes
                && DataHeader.Destination(header).SequenceEqual(destination)
                && DataHeader.SourceIdentity(header).SequenceEqual(source)
                && DataHeader.Epoch(header) == epoch
                && DataHeader.Counter(header) == counter)
            .ToProperty();
    }

    [Fact]
    public void Layout_is_big_endian_at_documented_offsets()
    {
        var header = new byte[DataHeader.Size];
        var destination = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var source = Enumerable.Repeat((byte)0xAA, 32).ToArray();

        DataHeader.Write(header, 7, DataFlags.All, destination, source, epoch: 0x0102030405060708, counter: 0x1112131415161718);

        Assert.Equal(
            "07060300" + Convert.ToHexString(destination) + new string('A', 64) + "0102030405060708" + "1112131415161718",
            Convert.ToHexString(header));
    }

    [Fact]
    public void Ipv4_destination_is_zero_padded_and_read_back_as_four_bytes()
    {
        var header = new byte[DataHeader.Size];
        DataHeader.Write(header, 64, DataFlags.None, [10, 1, 2, 3], new byte[32], 1, 2);

        Assert.Equal(DataHeader.FamilyIpv4, header[DataHeader.FamilyOffset]);
        Assert.Equal(new byte[] { 10, 1, 2, 3 }, DataHeader.Destination(header).ToArray());
        Assert.All(header.AsSpan(DataHeader.DestinationOffset + 4, 12).ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(DataHeader.FamilyOffset, 5)]
    [InlineData(DataHeader.FlagsOffset, 4)]
    [InlineData(DataHeader.ReservedOffset, 1)]
    public void Bad_family_unknown_flags_or_reserved_byte_are_invalid(int offset, byte value)
    {
        var header = new byte[DataHeader.Size];
        DataHeader.Write(header, 64, DataFlags.None, new byte[16], new byte[32], 1, 2);
        header[offset] = value;

        Assert.False(DataHeader.IsValid(header));
    }

    [Fact]
    public void Ipv4_padding_must_be_zero_and_short_headers_are_invalid()
    {
        var header = new byte[DataHeader.Size];
        DataHeader.Write(header, 64, DataFlags.None, [10, 0, 0, 1], new byte[32], 1, 2);
        header[DataHeader.DestinationOffset + 10] = 1;

        Assert.False(DataHeader.IsValid(header));
        Assert.False(DataHeader.IsValid(new byte[DataHeader.Size - 1]));
    }

    [Fact]
    public void Associated_data_covers_everything_but_the_hop_limit()
    {
        var header = new byte[DataHeader.Size];
        DataHeader.Write(header, 64, DataFlags.None, new byte[16], new byte[32], 1, 2);
        var before = DataHeader.AssociatedData(header).ToArray();

        header[DataHeader.HopLimitOffset] = 3;

        Assert.Equal(before, DataHeader.AssociatedData(header).ToArray());
        Assert.Equal(DataHeader.Size - 1, before.Length);
    }

    [Fact]
    public void Max_inner_packet_fills_a_maximum_frame_exactly()
    {
        Assert.Equal(MeshActors.Protocol.Frames.FrameLayout.MaxPayloadSize, InnerLayout.MaxInnerPacket + InnerLayout.Overhead);
        Assert.Equal(65_390, InnerLayout.MaxInnerPacket);
    }
}
