using System.Buffers.Binary;
using System.Collections.Concurrent;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Addressing;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

/// <summary>
/// The direct path: a small frame on a quiet link is sealed and sent by the thread that produced it, bigger,
/// back-to-back or contended frames go through the link's writer thread, and the two paths together lose, corrupt or reorder nothing.
/// </summary>
public sealed class DirectSendTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Udp)]
    public async Task Small_frames_on_a_quiet_link_are_sent_by_their_producer_and_arrive_in_order(TransportKind scheme)
    {
        await using var pair = await Pair.StartAsync(scheme);
        for (var i = 0; i < 50; i++)
        {
            Thread.Sleep(2); // a quiet link: frames closer together than 0.5 ms go through the writer
            Assert.True(pair.Send(producer: 0, sequence: i, length: 200));
            Assert.True(pair.Sink.Received.TryTake(out var payload, Wait), $"frame {i} did not arrive");
            Assert.Equal((0, i), Pair.Decode(payload));
        }

        // The writer thread wakes once a second for maintenance and then holds the send gate for a moment, so a
        // producer that meets it queues its frame instead: most, not necessarily all, frames go direct.
        Assert.InRange(pair.Link.Stats.Traffic[LinkTraffic.FramesOutDirect], 40, 50);
    }

    [Fact]
    public async Task Frames_above_the_direct_limit_go_through_the_writer()
    {
        await using var pair = await Pair.StartAsync(TransportKind.Tcp);
        var before = pair.Link.Stats.Traffic[LinkTraffic.FramesOutDirect];

        Assert.True(pair.Send(producer: 0, sequence: 0, length: DirectSendLimits.MaxFrame + 1));

        Assert.True(pair.Sink.Received.TryTake(out var payload, Wait));
        Assert.Equal(DirectSendLimits.MaxFrame + 1, payload.Length);
        Assert.Equal(before, pair.Link.Stats.Traffic[LinkTraffic.FramesOutDirect]);
    }

    [Fact]
    public async Task Concurrent_producers_of_small_and_large_frames_lose_nothing_and_keep_their_own_order_over_tcp()
    {
        const int producers = 4;
        const int perProducer = 1500;
        await using var pair = await Pair.StartAsync(TransportKind.Tcp, poolCapacity: 2048);
        var refused = new int[producers];
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            var random = new Random(p);
            for (var i = 0; i < perProducer; i++)
            {
                // Mostly small frames (direct when the link is idle) with large ones between them (always queued).
                var length = random.Next(4) == 0 ? random.Next(DirectSendLimits.MaxFrame + 1, 9000) : random.Next(16, 1200);
                if (!pair.Send(p, i, length))
                {
                    refused[p]++;
                }

                if (i % 32 == 0)
                {
                    Thread.Sleep(3); // quiet spells now and then, so both paths take turns
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var expected = producers * perProducer - refused.Sum();
        var last = Enumerable.Repeat(-1, producers).ToArray();
        for (var n = 0; n < expected; n++)
        {
            Assert.True(pair.Sink.Received.TryTake(out var payload, Wait), $"{n} of {expected} frames arrived");
            var (producer, sequence) = Pair.Decode(payload);
            Assert.True(sequence > last[producer], $"producer {producer}: frame {sequence} after {last[producer]}");
            last[producer] = sequence;
        }

        Assert.False(pair.Sink.Received.TryTake(out _, TimeSpan.FromMilliseconds(200)), "more frames than sent");
        Assert.Equal(refused.Sum(), pair.Link.Stats.Drops[LinkDrop.RingFull] + pair.Link.Stats.Drops[LinkDrop.PoolExhausted]);
        Assert.True(pair.Link.Stats.Traffic[LinkTraffic.FramesOutDirect] > 0);
        Assert.True(pair.Link.Stats.Traffic[LinkTraffic.FramesOutDirect] < pair.Link.Stats.Traffic[LinkTraffic.FramesOut]);
    }

    /// <summary>Node X dialled Y; Y's data sink checks and keeps every payload that reaches it.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly LoopbackNode _x;
        private readonly LoopbackNode _y;

        private Pair(LoopbackNode x, LoopbackNode y, Link link)
        {
            (_x, _y, Link) = (x, y, link);
            _y.Env.DataSink = Sink;
        }

        public Link Link { get; }

        public CheckingSink Sink { get; } = new();

        public static async Task<Pair> StartAsync(TransportKind scheme, int poolCapacity = 256)
        {
            var x = LoopbackNode.Create(poolCapacity: poolCapacity);
            var y = LoopbackNode.Create(poolCapacity: poolCapacity);
            var link = await x.ConnectAsync(scheme == TransportKind.Tcp ? y.TcpUri(pinned: true) : y.UdpUri(pinned: true));
            return new Pair(x, y, link);
        }

        /// <summary>A payload of <paramref name="length"/> bytes: producer, sequence, then a pattern both determine.</summary>
        public bool Send(int producer, int sequence, int length)
        {
            if (!_x.Pool.TryRent(out var buffer))
            {
                return false;
            }

            var payload = buffer.Array.AsSpan(BufferLayout.PayloadOffset, length);
            BinaryPrimitives.WriteInt32BigEndian(payload, producer);
            BinaryPrimitives.WriteInt32BigEndian(payload[4..], sequence);
            for (var i = 8; i < length; i++)
            {
                payload[i] = (byte)(producer * 31 + sequence + i);
            }

            buffer.Set(BufferLayout.PayloadOffset, length);
            return Link.TrySendData(buffer);
        }

        public static (int Producer, int Sequence) Decode(byte[] payload) =>
            (BinaryPrimitives.ReadInt32BigEndian(payload), BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(4)));

        public async ValueTask DisposeAsync()
        {
            await _x.DisposeAsync();
            await _y.DisposeAsync();
        }
    }

    private sealed class CheckingSink : ILinkDataSink
    {
        public BlockingCollection<byte[]> Received { get; } = [];

        public void OnData(Link link, PacketBuffer payload)
        {
            var copy = payload.Span.ToArray();
            payload.Return();
            var (producer, sequence) = Pair.Decode(copy);
            for (var i = 8; i < copy.Length; i++)
            {
                Assert.Equal((byte)(producer * 31 + sequence + i), copy[i]);
            }

            Received.Add(copy);
        }
    }
}
