using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshActors.Protocol.Data;

namespace MeshActors.Protocol.Tests.Data;

public sealed class DataHeaderTests
{
    [Property]
    public Property Fields_round_trip(byte hopLimit, bool ipv6, ulong epochBits, uint counter, int seed)
    {
        var epoch = epochBits % DataHeader.EpochLimit;
        var random = new Random(seed);
        var destination = new byte[ipv6 ? 16 : 4];
        var source = new byte[32];
        random.NextBytes(destination);
        random.NextBytes(source);
        var header = new byte[DataHeader.Size];

        DataHeader.Write(header, hopLimit, DataFlags.OpensAes, destination, source, epoch, counter);

        return (DataHeader.IsValid(header)
                && header[DataHeader.HopLimitOffset] == hopLimit
                && DataHeader.Flags(header) == (ipv6 ? DataFlags.OpensAes : DataFlags.OpensAes | DataFlags.Ipv4Destination)
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

        DataHeader.Write(header, 7, DataFlags.SealedWithAes | DataFlags.OpensAes, destination, source, epoch: 0x010203040506, counter: 0x11121314);

        Assert.Equal(
            "0703" + Convert.ToHexString(destination) + new string('A', 64) + "010203040506" + "11121314",
            Convert.ToHexString(header));
    }

    [Fact]
    public void Epochs_beyond_48_bits_and_counters_beyond_32_bits_are_refused_when_written()
    {
        var header = new byte[DataHeader.Size];

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            DataHeader.Write(header, 64, DataFlags.None, new byte[16], new byte[32], DataHeader.EpochLimit, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            DataHeader.Write(header, 64, DataFlags.None, new byte[16], new byte[32], 1, (ulong)uint.MaxValue + 1));
        Assert.Throws<ArgumentException>(() =>
            DataHeader.Write(header, 64, DataFlags.Ipv4Destination, new byte[16], new byte[32], 1, 0));
    }

    [Fact]
    public void Ipv4_destination_is_zero_padded_and_read_back_as_four_bytes()
    {
        var header = new byte[DataHeader.Size];
        DataHeader.Write(header, 64, DataFlags.None, [10, 1, 2, 3], new byte[32], 1, 2);

        Assert.Equal(DataFlags.Ipv4Destination, DataHeader.Flags(header));
        Assert.Equal(new byte[] { 10, 1, 2, 3 }, DataHeader.Destination(header).ToArray());
        Assert.All(header.AsSpan(DataHeader.DestinationOffset + 4, 12).ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(0x80)]
    public void Unknown_flags_are_invalid(byte flag)
    {
        var header = new byte[DataHeader.Size];
        DataHeader.Write(header, 64, DataFlags.None, new byte[16], new byte[32], 1, 2);
        header[DataHeader.FlagsOffset] |= flag;

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
        Assert.Equal(65_403, InnerLayout.MaxInnerPacket);
    }
}
