using MeshActors.Protocol.Routing;

namespace MeshActors.Protocol.Tests.Routing;

public sealed class RoutingCodecTests
{
    private static readonly RouterId Originator = new(1, 2, 3, 4);

    [Fact]
    public void Updates_round_trip_and_split_under_the_payload_budget()
    {
        var random = new Random(1);
        var updates = Enumerable.Range(0, 500).Select(_ => RandomUpdate(random)).ToArray();

        var frames = RouteUpdateCodec.EncodeFrames(updates, 1200);

        Assert.All(frames, frame => Assert.InRange(frame.Length, 1, 1200));
        var decoded = new List<RouteUpdate>();
        foreach (var frame in frames)
        {
            Assert.Equal(RoutingDecodeError.None, RouteUpdateCodec.TryDecode(frame, decoded));
        }

        Assert.Equal(updates, decoded);
        Assert.Equal((frames.Count, frames.Sum(frame => (long)frame.Length)), RouteUpdateCodec.MeasureFrames(updates, 1200));
    }

    [Fact]
    public void A_slash64_update_costs_46_bytes_and_26_fit_a_udp_payload()
    {
        var update = new RouteUpdate(RoutePrefix.Parse("fd00:1:2:3::/64"), 1, 2, Originator);
        Assert.Equal(46, RouteUpdateCodec.EntrySize(update));
        Assert.Single(RouteUpdateCodec.EncodeFrames(Enumerable.Repeat(update, 26).ToArray(), 1200));
        Assert.Equal(2, RouteUpdateCodec.EncodeFrames(Enumerable.Repeat(update, 27).ToArray(), 1200).Count);
    }

    [Fact]
    public void Requests_round_trip()
    {
        var requests = new[]
        {
            new SeqnoRequest(RoutePrefix.Parse("10.1.0.0/16"), Originator, 65535, 64),
            new SeqnoRequest(RoutePrefix.Parse("fd00::/128"), Originator, 0, 1),
            new SeqnoRequest(RoutePrefix.Parse("0.0.0.0/0"), Originator, 7, 3),
        };
        var frames = SeqnoRequestCodec.EncodeFrames(requests, 1200);
        var decoded = new List<SeqnoRequest>();

        Assert.Equal(RoutingDecodeError.None, SeqnoRequestCodec.TryDecode(Assert.Single(frames), decoded));
        Assert.Equal(requests, decoded);
    }

    [Theory]
    [InlineData(new byte[] { }, RoutingDecodeError.Truncated)]
    [InlineData(new byte[] { 0x02, 0, 1 }, RoutingDecodeError.WrongKind)]
    [InlineData(new byte[] { 0x01, 0, 0 }, RoutingDecodeError.Empty)]
    [InlineData(new byte[] { 0x01, 0, 1, 5, 8, 1 }, RoutingDecodeError.BadFamily)]
    [InlineData(new byte[] { 0x01, 0, 1, 4, 33, 1 }, RoutingDecodeError.BadPrefixLength)]
    [InlineData(new byte[] { 0x01, 0, 1, 4, 7, 0x03 }, RoutingDecodeError.HostBitsSet)]
    [InlineData(new byte[] { 0x01, 0, 1, 6, 64, 1, 2 }, RoutingDecodeError.Truncated)]
    [InlineData(new byte[] { 0x01, 0xff, 0xff, 4, 8, 10, 0, 1 }, RoutingDecodeError.Truncated)]
    public void Malformed_updates_yield_an_error(byte[] payload, RoutingDecodeError expected)
    {
        Assert.Equal(expected, RouteUpdateCodec.TryDecode(payload, new List<RouteUpdate>()));
    }

    [Fact]
    public void Trailing_bytes_and_zero_hop_count_are_rejected()
    {
        var frame = RouteUpdateCodec.EncodeFrames([new RouteUpdate(RoutePrefix.Parse("10.0.0.0/8"), 1, 1, Originator)], 1200)[0];
        Assert.Equal(RoutingDecodeError.TrailingBytes, RouteUpdateCodec.TryDecode([.. frame, 0], new List<RouteUpdate>()));

        var request = SeqnoRequestCodec.EncodeFrames([new SeqnoRequest(RoutePrefix.Parse("10.0.0.0/8"), Originator, 1, 1)], 1200)[0];
        request[^(RouterId.Size + 1)] = 0;
        Assert.Equal(RoutingDecodeError.ZeroHopCount, SeqnoRequestCodec.TryDecode(request, new List<SeqnoRequest>()));
    }

    [Fact]
    public void Random_bytes_never_throw_and_decode_at_most_what_fits()
    {
        var random = new Random(2);
        var updates = new List<RouteUpdate>();
        var requests = new List<SeqnoRequest>();
        for (var i = 0; i < 20_000; i++)
        {
            var payload = new byte[random.Next(0, 300)];
            random.NextBytes(payload);
            if (payload.Length > 0)
            {
                payload[0] = (byte)random.Next(1, 3);
            }

            updates.Clear();
            requests.Clear();
            RouteUpdateCodec.TryDecode(payload, updates);
            SeqnoRequestCodec.TryDecode(payload, requests);
            Assert.True(updates.Count * 38 <= payload.Length && requests.Count * 37 <= payload.Length);
        }
    }

    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(0, 1, false)]
    [InlineData(0, 65535, true)]
    [InlineData(32767, 0, true)]
    [InlineData(32768, 0, false)]
    [InlineData(5, 5, false)]
    public void Seqno_comparison_is_modular(int a, int b, bool newer)
    {
        Assert.Equal(newer, Seqno.IsNewer((ushort)a, (ushort)b));
    }

    [FsCheck.Xunit.Property]
    public bool Seqno_order_is_antisymmetric_and_successor_is_newer(ushort a, ushort b) =>
        !(Seqno.IsNewer(a, b) && Seqno.IsNewer(b, a)) && Seqno.IsNewer(Seqno.Next(a), a) && !Seqno.IsNewer(a, a);

    private static RouteUpdate RandomUpdate(Random random)
    {
        var address = new byte[random.Next(2) == 0 ? 4 : 16];
        random.NextBytes(address);
        var prefix = RoutePrefix.FromAddressBytes(address, random.Next(address.Length * 8 + 1));
        var key = new byte[32];
        random.NextBytes(key);
        return new RouteUpdate(prefix, (ushort)random.Next(65536), (ushort)random.Next(65536), RouterId.FromBytes(key));
    }
}
