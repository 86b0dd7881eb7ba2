using MeshActors.DataPlane.Forwarding;

namespace MeshActors.DataPlane.Tests.Forwarding;

public sealed class HopLimitNoticeSupportTests
{
    private static readonly byte[] Destination = Convert.FromHexString("fd6d1111111111110000000000000002");

    [Fact]
    public void A_recorded_head_is_found_by_its_payload_and_only_by_it()
    {
        var heads = new RecentPacketHeads();
        var packet = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        heads.Record(Destination, epoch: 7, counter: 5, packet);
        var found = new byte[RecentPacketHeads.HeadSize];

        Assert.True(heads.TryFind(Destination, 7, 5, found, out var length));
        Assert.Equal(packet[..RecentPacketHeads.HeadSize], found[..length]);
        Assert.False(heads.TryFind(Destination, 8, 5, found, out _));
        Assert.False(heads.TryFind(Destination, 7, 6, found, out _));
        Assert.False(heads.TryFind(new byte[16], 7, 5, found, out _));
    }

    [Fact]
    public void A_head_is_forgotten_once_its_slot_is_reused()
    {
        var heads = new RecentPacketHeads();
        heads.Record(Destination, 1, 3, new byte[60]);
        heads.Record(Destination, 1, 3 + 1024, new byte[60]);

        Assert.False(heads.TryFind(Destination, 1, 3, new byte[RecentPacketHeads.HeadSize], out _));
        Assert.True(heads.TryFind(Destination, 1, 3 + 1024, new byte[RecentPacketHeads.HeadSize], out var length));
        Assert.Equal(60, length);
    }

    [Fact]
    public void A_reader_racing_the_writer_never_takes_a_mixed_head()
    {
        var heads = new RecentPacketHeads();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var writer = new Thread(() =>
        {
            var packet = new byte[RecentPacketHeads.HeadSize];
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                Array.Fill(packet, (byte)round);
                heads.Record(Destination, 1, (ulong)(round % 2) * 1024, packet);
            }
        });
        writer.Start();
        var found = new byte[RecentPacketHeads.HeadSize];
        var hits = 0;
        while (!stop.IsCancellationRequested)
        {
            if (heads.TryFind(Destination, 1, 0, found, out var length))
            {
                hits++;
                Assert.All(found[..length], b => Assert.Equal(found[0], b));
                Assert.Equal(0, found[0] % 2);
            }
        }

        writer.Join();
        Assert.True(hits > 0);
    }

    [Fact]
    public void Notices_are_limited_to_a_hundred_a_second()
    {
        var limit = new NoticeRateLimit();
        Assert.Equal(NoticeRateLimit.PerSecond, Enumerable.Range(0, 500).Count(_ => limit.TryTake(nowMs: 1000)));
        Assert.False(limit.TryTake(1005));
        Assert.True(limit.TryTake(1010));
        Assert.False(limit.TryTake(1010));
        Assert.Equal(NoticeRateLimit.PerSecond, Enumerable.Range(0, 500).Count(_ => limit.TryTake(nowMs: 5000)));
    }
}
