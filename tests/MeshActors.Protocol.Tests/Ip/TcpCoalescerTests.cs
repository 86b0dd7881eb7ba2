using System.Buffers.Binary;
using FsCheck;
using FsCheck.Xunit;
using MeshActors.Protocol.Ip;
using static MeshActors.Protocol.Tests.Ip.TcpTestPackets;

namespace MeshActors.Protocol.Tests.Ip;

public sealed class TcpCoalescerTests
{
    private readonly TcpCoalescer _coalescer = new(maxBatch: 128, maxFlows: 4);

    [Property(MaxTest = 100)]
    public bool Segments_of_a_super_packet_coalesce_back_into_it(PositiveInt length, PositiveInt size, bool ipv6, bool push)
    {
        var segmentSize = 100 + (size.Get % 1_500);
        var payloadLength = 1 + (length.Get % Math.Min(60_000, segmentSize * 100));
        var payload = Enumerable.Range(0, payloadLength).Select(i => (byte)(i * 13)).ToArray();
        var original = Tcp(ipv6, 77, (byte)(Ack | (push ? Psh : 0)), payload);
        Assert.True(SuperPacket.TryParse(original, PartialChecksum.ProtocolTcp, segmentSize, out var cut));
        var batch = Memories(SuperPacketTests.Cut(original, cut));

        _coalescer.Plan(batch);

        Assert.All(Enumerable.Range(1, batch.Length - 1), i => Assert.True(_coalescer.IsAbsorbed(i)));
        var built = Build(batch, 0, out var shape, out var segments);
        Assert.Equal(batch.Length, segments);
        Assert.Equal(Math.Min(segmentSize, payloadLength), shape.SegmentSize);
        Assert.Equal(shape.SegmentCount, segments);
        Assert.True(PartialChecksum.TryMark(original, out _, out _));
        return built.SequenceEqual(original);
    }

    [Fact]
    public void Two_interleaved_flows_make_two_super_packets_and_other_packets_stay()
    {
        var batch = Memories(
        [
            Tcp(false, 0, Ack, new byte[100], sourcePort: 1),
            Tcp(false, 0, Ack, new byte[100], sourcePort: 2),
            Udp(false, new byte[10]),
            Tcp(false, 100, Ack, new byte[100], sourcePort: 1),
            Tcp(false, 100, Ack, new byte[100], sourcePort: 2),
            Tcp(false, 200, Ack | Psh, new byte[50], sourcePort: 1),
        ]);

        _coalescer.Plan(batch);

        Assert.Equal([false, false, false, true, true, true], Absorbed(batch));
        Assert.True(_coalescer.HasFollowers(0) && _coalescer.HasFollowers(1) && !_coalescer.HasFollowers(2));
        var first = Build(batch, 0, out var shape, out var segments);
        Assert.Equal((3, 100, 250), (segments, shape.SegmentSize, shape.PayloadLength));
        Assert.Equal(Ack | Psh, Flags(first));
        Build(batch, 1, out _, out segments);
        Assert.Equal(2, segments);
    }

    [Fact]
    public void A_packet_of_the_flow_that_cannot_join_ends_the_run_so_later_segments_keep_their_place()
    {
        var batch = Memories(
        [
            Tcp(true, 0, Ack, new byte[100]),
            Tcp(true, 100, Ack, new byte[100]),
            Tcp(true, 200, Ack, [], ack: 8),
            Tcp(true, 200, Ack, new byte[100]),
            Tcp(true, 300, Ack, new byte[100]),
        ]);

        _coalescer.Plan(batch);

        Assert.Equal([false, true, false, false, true], Absorbed(batch));
    }

    [Theory]
    [InlineData("gap")]
    [InlineData("ack")]
    [InlineData("window")]
    [InlineData("timestamp")]
    [InlineData("fin")]
    [InlineData("syn")]
    [InlineData("longer")]
    [InlineData("ttl")]
    [InlineData("after-shorter")]
    [InlineData("after-push")]
    public void A_segment_that_does_not_continue_the_run_is_not_joined(string difference)
    {
        var head = Tcp(false, 0, Ack, new byte[100]);
        var next = difference switch
        {
            "gap" => Tcp(false, 101, Ack, new byte[100]),
            "ack" => Tcp(false, 100, Ack, new byte[100], ack: 8),
            "timestamp" => Tcp(false, 100, Ack, new byte[100], timestamp: 2),
            "fin" => Tcp(false, 100, Ack | Fin, new byte[100]),
            "syn" => Tcp(false, 100, Ack | Syn, new byte[100]),
            "longer" => Tcp(false, 100, Ack, new byte[101]),
            _ => Tcp(false, 100, Ack, new byte[100]),
        };
        if (difference == "window")
        {
            next[20 + 15]++;
        }

        if (difference == "ttl")
        {
            next[8]--;
        }

        var batch = difference switch
        {
            "after-shorter" => Memories([head, Tcp(false, 100, Ack, new byte[50]), Tcp(false, 150, Ack, new byte[50])]),
            "after-push" => Memories([head, Tcp(false, 100, Ack | Psh, new byte[100]), Tcp(false, 200, Ack, new byte[100])]),
            _ => Memories([head, next]),
        };

        _coalescer.Plan(batch);

        Assert.False(_coalescer.IsAbsorbed(batch.Length - 1));
    }

    [Fact]
    public void Super_packets_stop_below_the_ip_length_limit()
    {
        var batch = Memories(Enumerable.Range(0, 50).Select(i => Tcp(false, (uint)(i * 1_400), Ack, new byte[1_400])).ToArray());

        _coalescer.Plan(batch);

        var heads = Enumerable.Range(0, batch.Length).Where(i => !_coalescer.IsAbsorbed(i)).ToArray();
        Assert.Equal([0, 46], heads);
        Assert.True(Build(batch, 0, out _, out _).Length <= TcpCoalescer.MaxSuperPacket);
    }

    [Fact]
    public void More_flows_than_followed_are_left_as_they_are()
    {
        var batch = Memories(Enumerable.Range(0, 12).Select(i => Tcp(false, (uint)(i / 6 * 100), Ack, new byte[100], sourcePort: (ushort)(i % 6))).ToArray());

        _coalescer.Plan(batch);

        Assert.Equal(4, Enumerable.Range(0, batch.Length).Count(_coalescer.IsAbsorbed));
    }

    private bool[] Absorbed(Memory<byte>[] batch) => Enumerable.Range(0, batch.Length).Select(_coalescer.IsAbsorbed).ToArray();

    private byte[] Build(Memory<byte>[] batch, int head, out SuperPacket shape, out int segments)
    {
        var destination = new byte[TcpCoalescer.MaxSuperPacket];
        var length = _coalescer.Build(batch, head, destination, out shape, out segments);
        return destination[..length];
    }

    private static Memory<byte>[] Memories(IEnumerable<byte[]> packets) => packets.Select(p => new Memory<byte>(p)).ToArray();
}
