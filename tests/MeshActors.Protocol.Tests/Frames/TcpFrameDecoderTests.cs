using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FsCheck.Xunit;
using MeshActors.Protocol.Frames;

namespace MeshActors.Protocol.Tests.Frames;

public class TcpFrameDecoderTests
{
    private static byte[] Stream(IEnumerable<byte[]> frames)
    {
        var stream = new List<byte>();
        foreach (var frame in frames)
        {
            var prefix = new byte[TcpFraming.PrefixSize];
            Assert.True(TcpFraming.TryWritePrefix(prefix, frame.Length));
            stream.AddRange(prefix);
            stream.AddRange(frame);
        }

        return stream.ToArray();
    }

    private static (List<byte[]> Frames, TcpDecodeStatus Last) Decode(TcpFrameDecoder decoder, byte[] stream, IEnumerable<int> chunkSizes)
    {
        var frames = new List<byte[]>();
        var position = 0;
        var last = TcpDecodeStatus.NeedMore;
        using var sizes = chunkSizes.GetEnumerator();
        while (position < stream.Length)
        {
            var size = sizes.MoveNext() ? Math.Max(1, sizes.Current) : stream.Length;
            var chunk = stream.AsSpan(position, Math.Min(size, stream.Length - position));
            position += chunk.Length;
            while (!chunk.IsEmpty)
            {
                last = decoder.Decode(chunk, out var consumed, out var frame);
                chunk = chunk[consumed..];
                if (last == TcpDecodeStatus.Frame)
                {
                    frames.Add(frame.ToArray());
                }
                else if (last != TcpDecodeStatus.NeedMore)
                {
                    return (frames, last);
                }
            }
        }

        return (frames, last);
    }

    [Fact]
    public void Byte_at_a_time_yields_the_frames()
    {
        var frames = new[] { Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), new byte[300], new byte[FrameLayout.MaxFrameSize] };
        var (decoded, _) = Decode(new TcpFrameDecoder(), Stream(frames), Enumerable.Repeat(1, int.MaxValue));
        Assert.Equal(frames, decoded);
    }

    [Property(MaxTest = 200)]
    public bool Any_split_of_the_stream_yields_the_same_frames(byte[][] payloads, int[] chunkSizes)
    {
        var frames = payloads.Select(p => p.Length < FrameLayout.HeaderSize ? p.Concat(new byte[FrameLayout.HeaderSize - p.Length]).ToArray() : p).ToArray();
        var (decoded, _) = Decode(new TcpFrameDecoder(), Stream(frames), chunkSizes.Select(Math.Abs));
        return decoded.Count == frames.Length && decoded.Zip(frames).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second));
    }

    [Property(MaxTest = 200)]
    public bool Receiving_the_rest_of_split_frames_into_the_remainder_yields_the_same_frames(byte[][] payloads, int[] chunkSizes)
    {
        var frames = payloads.Select(p => p.Length < FrameLayout.HeaderSize ? p.Concat(new byte[FrameLayout.HeaderSize - p.Length]).ToArray() : p).ToArray();
        var stream = Stream(frames);
        var decoder = new TcpFrameDecoder();
        var decoded = new List<byte[]>();
        var position = 0;
        var sizes = chunkSizes.Select(Math.Abs).Select(s => Math.Max(1, s)).ToArray();
        for (var read = 0; position < stream.Length; read++)
        {
            var size = Math.Min(read < sizes.Length ? sizes[read] : stream.Length, stream.Length - position);
            var remainder = decoder.Remainder;
            if (!remainder.IsEmpty)
            {
                var take = Math.Min(size, remainder.Length);
                stream.AsSpan(position, take).CopyTo(remainder);
                position += take;
                if (decoder.CompleteRemainder(take, out var whole))
                {
                    decoded.Add(whole.ToArray());
                }

                continue;
            }

            var chunk = stream.AsSpan(position, size);
            position += size;
            while (!chunk.IsEmpty && decoder.Decode(chunk, out var consumed, out var frame) is var status)
            {
                chunk = chunk[consumed..];
                if (status == TcpDecodeStatus.Frame)
                {
                    decoded.Add(frame.ToArray());
                }
            }
        }

        return decoder.Remainder.IsEmpty && decoded.Count == frames.Length && decoded.Zip(frames).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second));
    }

    [Property(MaxTest = 200)]
    public bool Split_frames_are_assembled_in_the_callers_storage_when_it_offers_enough(byte[][] payloads, int[] chunkSizes, bool offerShortStorage)
    {
        var frames = payloads.Select(p => p.Length < FrameLayout.HeaderSize ? p.Concat(new byte[FrameLayout.HeaderSize - p.Length]).ToArray() : p).ToArray();
        var stream = Stream(frames);
        var handedOut = new List<byte[]>();
        var decoder = new TcpFrameDecoder
        {
            AssemblyStore = length =>
            {
                var storage = new byte[offerShortStorage ? length - 1 : length];
                handedOut.Add(storage);
                return storage;
            },
        };
        var position = 0;
        var decoded = new List<byte[]>();
        var allStoredWhereOffered = true;
        foreach (var size in chunkSizes.Select(Math.Abs).Select(s => Math.Max(1, s)).Append(stream.Length))
        {
            var chunk = stream.AsSpan(position, Math.Min(size, stream.Length - position));
            position += chunk.Length;
            while (!chunk.IsEmpty)
            {
                var status = decoder.Decode(chunk, out var consumed, out var frame);
                chunk = chunk[consumed..];
                if (status == TcpDecodeStatus.Frame)
                {
                    decoded.Add(frame.ToArray());
                    var wasAssembled = handedOut.Count > 0 && Unsafe.AreSame(ref MemoryMarshal.GetReference(frame), ref handedOut[^1][0]);
                    allStoredWhereOffered &= decoder.LastFrameWasStored == wasAssembled && (!offerShortStorage || !decoder.LastFrameWasStored);
                }
            }

            if (position == stream.Length)
            {
                break;
            }
        }

        return allStoredWhereOffered && decoded.Count == frames.Length && decoded.Zip(frames).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second));
    }

    [Fact]
    public void A_frame_whose_storage_was_taken_before_its_body_arrived_completes_in_that_storage()
    {
        var handedOut = new List<byte[]>();
        var decoder = new TcpFrameDecoder
        {
            AssemblyStore = length =>
            {
                var storage = new byte[length];
                handedOut.Add(storage);
                return storage;
            },
        };
        var stream = Stream([new byte[20], new byte[40]]);

        Assert.Equal(TcpDecodeStatus.NeedMore, decoder.Decode(stream.AsSpan(0, 2), out _, out _)); // the prefix alone
        Assert.Equal(TcpDecodeStatus.Frame, decoder.Decode(stream.AsSpan(2, 20), out _, out var first));
        Assert.True(decoder.LastFrameWasStored);
        Assert.Equal(20, first.Length);
        Assert.Equal(TcpDecodeStatus.NeedMore, decoder.Decode(stream.AsSpan(22, 10), out _, out _));
        Assert.Equal(TcpDecodeStatus.Frame, decoder.Decode(stream.AsSpan(32), out _, out var second));

        Assert.True(decoder.LastFrameWasStored);
        Assert.Equal(40, second.Length);
        Assert.Equal([20, 40], handedOut.Select(b => b.Length));
    }

    [Fact]
    public void The_remainder_is_the_missing_body_of_a_started_frame_only()
    {
        var decoder = new TcpFrameDecoder();
        Assert.True(decoder.Remainder.IsEmpty);
        Assert.Equal(TcpDecodeStatus.NeedMore, decoder.Decode([0], out _, out _));
        Assert.True(decoder.Remainder.IsEmpty);

        Assert.Equal(TcpDecodeStatus.NeedMore, decoder.Decode([100, 1, 2, 3], out _, out _));
        Assert.Equal(97, decoder.Remainder.Length);
        Assert.False(decoder.CompleteRemainder(50, out _));
        Assert.Equal(47, decoder.Remainder.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => decoder.CompleteRemainder(48, out _));
        Assert.True(decoder.CompleteRemainder(47, out var frame));
        Assert.Equal(100, frame.Length);
        Assert.Equal([1, 2, 3], frame[..3].ToArray());
        Assert.True(decoder.Remainder.IsEmpty);

        Assert.Equal(TcpDecodeStatus.Oversize, decoder.Decode([0xff, 0xff], out _, out _));
        Assert.True(decoder.Remainder.IsEmpty);
    }

    [Fact]
    public void Oversize_and_undersize_lengths_break_the_stream_for_good()
    {
        var decoder = new TcpFrameDecoder(maxFrameSize: 100);
        Assert.Equal(TcpDecodeStatus.Oversize, decoder.Decode([0, 101], out var consumed, out _));
        Assert.Equal(2, consumed);
        Assert.Equal(TcpDecodeStatus.Oversize, decoder.Decode(Stream([new byte[20]]), out consumed, out _));
        Assert.Equal(0, consumed);

        Assert.Equal(TcpDecodeStatus.Undersize, new TcpFrameDecoder().Decode([0, FrameLayout.HeaderSize - 1], out _, out _));
        Assert.Equal(TcpDecodeStatus.Oversize, new TcpFrameDecoder().Decode([0xff, 0xff], out _, out _));
    }

    [Fact]
    public void Prefix_writer_refuses_lengths_outside_the_frame_limits()
    {
        var prefix = new byte[2];
        Assert.False(TcpFraming.TryWritePrefix(prefix, FrameLayout.HeaderSize - 1));
        Assert.False(TcpFraming.TryWritePrefix(prefix, FrameLayout.MaxFrameSize + 1));
        Assert.False(TcpFraming.TryWritePrefix(new byte[1], 100));
        Assert.True(TcpFraming.TryWritePrefix(prefix, 0x1234));
        Assert.Equal(new byte[] { 0x12, 0x34 }, prefix);
    }

    [Fact]
    public void Whole_frames_in_one_read_are_returned_without_copying_or_allocating()
    {
        var stream = Stream([new byte[1400], new byte[1400]]);
        var decoder = new TcpFrameDecoder();
        decoder.Decode(stream, out _, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = decoder.Decode(stream.AsSpan(1402), out var consumed, out var frame);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(TcpDecodeStatus.Frame, status);
        Assert.Equal(1402, consumed);
        Assert.True(frame.Overlaps(stream));
    }
}
