using System.Buffers.Binary;
using System.Collections.Concurrent;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

/// <summary>
/// Long frames on a TCP link span socket reads; the rest of such a frame is received straight into a pool buffer,
/// whose payload the link passes on without copying. Nothing may be lost, corrupted or leaked on the way.
/// </summary>
public sealed class TcpLongFrameTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Long_frames_arrive_whole_in_order_partly_in_the_buffer_they_were_received_in_and_no_buffer_leaks()
    {
        await using var x = LoopbackNode.Create(poolCapacity: 512);
        await using var y = LoopbackNode.Create(poolCapacity: 512);
        var sink = new RecordingSink();
        y.Env.DataSink = sink;
        var link = await x.ConnectAsync(y.TcpUri(pinned: true));
        var random = new Random(7);
        var lengths = Enumerable.Range(0, 300).Select(_ => random.Next(4) == 0 ? random.Next(16, 2000) : random.Next(20_000, 65_000)).ToArray();

        var sent = 0;
        foreach (var length in lengths)
        {
            while (!Send(x.Pool, link, sent, length))
            {
                Thread.Sleep(1); // ring or pool full: wait for the link to drain, so every frame is sent
            }

            sent++;
        }

        for (var i = 0; i < lengths.Length; i++)
        {
            Assert.True(sink.Received.TryTake(out var payload, Wait), $"{i} of {lengths.Length} frames arrived");
            Assert.Equal(i, BinaryPrimitives.ReadInt32BigEndian(payload));
            Assert.Equal(lengths[i], payload.Length);
        }

        Assert.True(sink.InReceivedBuffer > 0, "no long frame was passed on in the buffer it was received in");
        Assert.Equal(0, sink.Corrupted);
        await Eventually.True(() => y.Pool.Available == y.Pool.Created, 30_000, "the receiver's pool did not get every buffer back");
    }

    private static bool Send(BufferPool pool, Link link, int sequence, int length)
    {
        if (!pool.TryRent(out var buffer))
        {
            return false;
        }

        var payload = buffer.Array.AsSpan(BufferLayout.PayloadOffset, length);
        BinaryPrimitives.WriteInt32BigEndian(payload, sequence);
        for (var i = 4; i < length; i++)
        {
            payload[i] = (byte)(sequence + i);
        }

        buffer.Set(BufferLayout.PayloadOffset, length);
        return link.TrySendData(buffer);
    }

    private sealed class RecordingSink : ILinkDataSink
    {
        private int _inReceivedBuffer;
        private int _corrupted;

        public BlockingCollection<byte[]> Received { get; } = [];

        public int InReceivedBuffer => Volatile.Read(ref _inReceivedBuffer);

        public int Corrupted => Volatile.Read(ref _corrupted);

        public void OnData(Link link, PacketBuffer payload)
        {
            // A payload copied into a fresh buffer has nothing in front of it; one left where the frame was received
            // still has the opened link header there.
            if (payload.Array.AsSpan(BufferLayout.FrameOffset, FrameLayout.HeaderSize).IndexOfAnyExcept((byte)0) >= 0)
            {
                Interlocked.Increment(ref _inReceivedBuffer);
            }

            var copy = payload.Span.ToArray();
            payload.Return();
            var sequence = BinaryPrimitives.ReadInt32BigEndian(copy);
            for (var i = 4; i < copy.Length; i++)
            {
                if (copy[i] != (byte)(sequence + i))
                {
                    Interlocked.Increment(ref _corrupted);
                    break;
                }
            }

            Received.Add(copy);
        }
    }
}
