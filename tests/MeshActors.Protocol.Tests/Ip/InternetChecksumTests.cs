using FsCheck;
using FsCheck.Xunit;
using MeshActors.Protocol.Ip;

namespace MeshActors.Protocol.Tests.Ip;

public sealed class InternetChecksumTests
{
    [Property(MaxTest = 300)]
    public bool The_word_sum_matches_the_textbook_sum_at_any_length_and_start(byte[] data, byte skip, ushort initial)
    {
        var start = Math.Min(skip % 8, data.Length);
        var slice = data.AsSpan(start);
        var expected = IpTestPackets.Sum([(byte)(initial >> 8), (byte)initial, .. slice]);
        return InternetChecksum.Fold(InternetChecksum.Add(initial, slice)) == expected;
    }

    [Property(MaxTest = 100)]
    public bool Long_buffers_sum_as_the_textbook_says(PositiveInt length, int seed, byte skip)
    {
        var data = new byte[64 + (length.Get % 9_000)];
        new Random(seed).NextBytes(data);
        var slice = data.AsSpan(skip % 3);
        return InternetChecksum.Add(0, slice) == IpTestPackets.Sum(slice);
    }

    [Fact]
    public void Long_runs_of_all_ones_fold_without_losing_carries()
    {
        var data = Enumerable.Repeat((byte)0xff, 65_535).ToArray();

        Assert.Equal((uint)IpTestPackets.Sum(data), InternetChecksum.Add(0, data));
        Assert.Equal((uint)IpTestPackets.Sum([0xff, 0xff, .. data]), InternetChecksum.Add(0xffff, data));
    }
}
