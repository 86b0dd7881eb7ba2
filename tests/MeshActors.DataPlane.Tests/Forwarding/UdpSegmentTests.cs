using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Forwarding;
using MeshActors.Protocol.Addressing;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Forwarding;

/// <summary>UDP links carry packets longer than one datagram as Segment frames (PROTOCOL.md §2), with and without
/// the kernel's offloads, and relays stay blind.</summary>
public sealed class UdpSegmentTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_packet_longer_than_a_datagram_crosses_two_udp_links_in_segments_and_arrives_whole(bool offload)
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Udp, new LinkOptions { UdpMaxFrameSize = 1452, UdpOffload = offload });
        var payload = new byte[60_000];
        Random.Shared.NextBytes(payload);
        var packet = Packets.Udp6(line.AddressA, line.AddressC, payload);

        Assert.Equal(line.NodeA.Pool.MaxPacket, line.AtoB.MaxInnerPacket); // the datagram size does not shrink the MTU
        Assert.True(line.TunA.Inject(packet));

        Assert.True(line.TunC.TryTakeWritten(Wait, out var delivered));
        Assert.Equal(packet, delivered);
        await Eventually.True(() => line.B.Counters.Packets[ForwardPath.Relayed] == 1);
        Assert.Equal(0, line.B.EndToEnd.Opens.Total);
        if (!offload)
        {
            Assert.False(line.NodeA.Udp.SegmentationOffload);
            Assert.False(line.NodeB.Udp.ReceiveCoalescing);
        }

        // the link counts one frame out for the whole packet, and never a segmented send the kernel refused
        Assert.Equal(1, line.AtoB.Stats.Traffic[LinkTraffic.FramesOut] - line.AtoB.Stats.Traffic[LinkTraffic.FramesOutDirect]);
        Assert.Equal(0, line.NodeA.Udp.SegmentationFallbacks);
    }

    [Fact]
    public async Task Packets_of_every_size_around_the_datagram_limit_arrive_whole_in_order()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Udp, new LinkOptions { UdpMaxFrameSize = 1452 });
        var sizes = new[] { 1200, 1335, 1336, 1337, 1400, 2_800, 2_801, 9_000, 40_000, 65_000 - 48 };
        foreach (var size in sizes)
        {
            var packet = Packets.Udp6(line.AddressA, line.AddressC, new byte[size]);
            packet[^1] = (byte)size;
            Assert.True(line.TunA.Inject(packet));
            Assert.True(line.TunC.TryTakeWritten(Wait, out var delivered), $"{size}-byte payload did not arrive");
            Assert.Equal(packet, delivered);
        }
    }

    [Fact]
    public async Task A_burst_of_small_packets_leaves_in_runs_of_one_system_call_each_and_arrives_whole_in_order()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Udp, new LinkOptions { UdpMaxFrameSize = 1452 });
        Assert.True(line.NodeA.Udp.SegmentationOffload);
        var packets = Enumerable.Range(0, 300).Select(i =>
        {
            var packet = Packets.Udp6(line.AddressA, line.AddressC, new byte[1_000]);
            packet[^1] = (byte)i;
            packet[^2] = (byte)(i >> 8);
            return packet;
        }).ToList();

        foreach (var packet in packets)
        {
            Assert.True(line.TunA.Inject(packet));
        }

        foreach (var packet in packets)
        {
            Assert.True(line.TunC.TryTakeWritten(Wait, out var delivered), "a packet of the burst did not arrive");
            Assert.Equal(packet, delivered);
        }

        // Each packet fits one datagram, so only runs of queued frames can have made segmented sends.
        Assert.True(line.NodeA.Udp.SegmentedSends > 0, "A sent every frame on its own");
        Assert.Equal(0, line.NodeA.Udp.SegmentationFallbacks);
    }

    [Fact]
    public async Task With_segments_off_a_udp_link_carries_only_what_fits_one_datagram()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Udp, new LinkOptions { UdpMaxFrameSize = 1452, UdpSegments = false });

        Assert.Equal(1452 - 104, line.AtoB.MaxInnerPacket);
    }
}
