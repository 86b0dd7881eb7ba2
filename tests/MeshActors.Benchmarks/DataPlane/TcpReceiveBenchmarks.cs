using BenchmarkDotNet.Attributes;
using MeshActors.Protocol.Frames;

namespace MeshActors.Benchmarks.DataPlane;

/// <summary>
/// A TCP link's receive path in memory, without sockets: 16 frames of 65,104 bytes (a 65,000-byte packet with the
/// data and link headers and tags) arriving as the event loop reads them, into its 65,509-byte scratch. Every copy
/// the kernel would make into user memory is a copy here too, so the modes differ only in the copies the node adds:
/// <list type="bullet">
/// <item><c>Scratch</c>: every read into the scratch; a frame split across reads is assembled in the decoder's own
/// buffer, and every payload is copied into a fresh pool buffer on delivery (the path before this change).</item>
/// <item><c>Remainder</c>: the rest of a split frame is read straight into the decoder's buffer; payloads copied on
/// delivery.</item>
/// <item><c>PoolBuffer</c>: the rest of a split frame is read straight into a pool buffer, which is delivered as it
/// is; only frames that arrived whole in the scratch are copied.</item>
/// </list>
/// One operation = the 16 frames. Must allocate nothing.
/// Run: dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*TcpReceive*'
/// </summary>
[MemoryDiagnoser]
public class TcpReceiveBenchmarks
{
    private const int FrameLength = 65_000 + FrameLayout.TransportOverhead + Protocol.Data.InnerLayout.Overhead;
    private const int Frames = 16;
    private const int ScratchSize = FrameLayout.MaxFrameSize + TcpFraming.PrefixSize;

    private readonly byte[] _scratch = new byte[ScratchSize];
    private readonly byte[] _delivered = new byte[FrameLength];
    private readonly byte[] _poolBuffer = new byte[FrameLength];
    private byte[] _stream = null!;
    private TcpFrameDecoder _decoder = null!;

    public enum Mode
    {
        Scratch,
        Remainder,
        PoolBuffer,
    }

    [Params(Mode.Scratch, Mode.Remainder, Mode.PoolBuffer)]
    public Mode Path { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _stream = new byte[Frames * (TcpFraming.PrefixSize + FrameLength)];
        for (var i = 0; i < Frames; i++)
        {
            var at = i * (TcpFraming.PrefixSize + FrameLength);
            TcpFraming.TryWritePrefix(_stream.AsSpan(at), FrameLength);
            _stream.AsSpan(at + TcpFraming.PrefixSize, FrameLength).Fill((byte)i);
        }

        _decoder = new TcpFrameDecoder();
        if (Path == Mode.PoolBuffer)
        {
            _decoder.AssemblyStore = length => _poolBuffer.AsMemory(0, length);
        }
    }

    [Benchmark]
    public int ReceiveFrames()
    {
        var delivered = 0;
        var position = 0;
        while (position < _stream.Length)
        {
            var remainder = Path == Mode.Scratch ? [] : _decoder.Remainder;
            if (!remainder.IsEmpty)
            {
                var take = Math.Min(remainder.Length, _stream.Length - position);
                _stream.AsSpan(position, take).CopyTo(remainder);
                position += take;
                if (_decoder.CompleteRemainder(take, out var whole))
                {
                    delivered += Deliver(whole);
                }

                continue;
            }

            var read = Math.Min(ScratchSize, _stream.Length - position);
            _stream.AsSpan(position, read).CopyTo(_scratch);
            position += read;
            ReadOnlySpan<byte> input = _scratch.AsSpan(0, read);
            while (!input.IsEmpty)
            {
                var status = _decoder.Decode(input, out var consumed, out var frame);
                input = input[consumed..];
                if (status == TcpDecodeStatus.Frame)
                {
                    delivered += Deliver(frame);
                }
            }
        }

        return delivered;
    }

    /// <summary>A frame assembled in the pool buffer goes on as it is; any other is copied into one.</summary>
    private int Deliver(ReadOnlySpan<byte> frame)
    {
        if (!_decoder.LastFrameWasStored)
        {
            frame.CopyTo(_delivered);
        }

        return 1;
    }
}
