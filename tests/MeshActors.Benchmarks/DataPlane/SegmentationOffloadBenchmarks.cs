using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using MeshActors.Protocol.Ip;

namespace MeshActors.Benchmarks.DataPlane;

/// <summary>
/// The TUN segmentation offload's user-space halves (<c>tun.segmentation-offload</c>), on a 64 KB TCP/IPv6 stream
/// chunk cut into segments of <see cref="SegmentSize"/> payload bytes: <see cref="Cut"/> makes every packet of a super
/// packet read from the kernel (copy, headers, full checksum); <see cref="Coalesce"/> plans a write batch of those
/// packets and builds the one super packet they make (copy, headers, partial checksum); <see cref="Checksum"/> is the
/// sum a partial checksum read from the kernel needs. One operation = one 64 KB super packet; nothing may be allocated.
/// Run: dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*SegmentationOffload*' --inProcess
/// </summary>
[MemoryDiagnoser]
public class SegmentationOffloadBenchmarks
{
    private const int PayloadBytes = 64_000;
    private const int HeaderBytes = 40 + 32;

    private byte[] _super = null!;
    private SuperPacket _shape;
    private byte[][] _segments = null!;
    private Memory<byte>[] _batch = null!;
    private byte[] _merged = null!;
    private TcpCoalescer _coalescer = null!;

    /// <summary>TCP payload per packet: an Ethernet-sized MTU (1,400 − 72) and a jumbo one.</summary>
    [Params(1328, 8928)]
    public int SegmentSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _super = new byte[HeaderBytes + PayloadBytes];
        _super[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(_super.AsSpan(4), (ushort)(_super.Length - 40));
        _super[6] = PartialChecksum.ProtocolTcp;
        _super[7] = 64;
        _super[8] = _super[24] = 0xfd;
        _super[40 + 12] = 8 << 4;
        _super[40 + 13] = 0x10;
        new Random(1).NextBytes(_super.AsSpan(HeaderBytes));
        if (!SuperPacket.TryParse(_super, PartialChecksum.ProtocolTcp, SegmentSize, out _shape))
        {
            throw new InvalidOperationException("the benchmark's super packet does not parse");
        }

        _segments = new byte[_shape.SegmentCount][];
        _batch = new Memory<byte>[_shape.SegmentCount];
        for (var i = 0; i < _segments.Length; i++)
        {
            _segments[i] = new byte[_shape.MaxSegmentLength];
            _batch[i] = _segments[i].AsMemory(0, _shape.WriteSegment(_super, i, _segments[i]));
        }

        _merged = new byte[TcpCoalescer.MaxSuperPacket];
        _coalescer = new TcpCoalescer(_batch.Length);
    }

    [Benchmark]
    public int Cut()
    {
        var total = 0;
        for (var i = 0; i < _shape.SegmentCount; i++)
        {
            total += _shape.WriteSegment(_super, i, _segments[i]);
        }

        return total;
    }

    [Benchmark]
    public int Coalesce()
    {
        _coalescer.Plan(_batch);
        return _coalescer.Build(_batch, 0, _merged, out _, out var segments) + segments;
    }

    [Benchmark]
    public uint Checksum() => InternetChecksum.Add(0, _super.AsSpan(40));
}
