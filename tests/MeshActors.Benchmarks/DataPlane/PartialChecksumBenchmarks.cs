using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using MeshActors.Protocol.Ip;

namespace MeshActors.Benchmarks.DataPlane;

/// <summary>
/// Marking a TCP packet's checksum partial before the TUN write (<c>tun.checksum-offload</c>): reads and writes only
/// the headers, so its cost must not grow with the packet, and it must allocate nothing. One operation = one packet.
/// Run: dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*PartialChecksum*'
/// </summary>
[MemoryDiagnoser]
public class PartialChecksumBenchmarks
{
    private byte[] _packet = null!;

    /// <summary>IP packet bytes: Ethernet-sized and the default overlay MTU.</summary>
    [Params(1400, 65000)]
    public int PacketSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _packet = new byte[PacketSize];
        _packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(4), (ushort)(PacketSize - 40));
        _packet[6] = PartialChecksum.ProtocolTcp;
        _packet[7] = 64;
        _packet[8] = _packet[24] = 0xfd;
        _packet[40 + 12] = 0x50;
    }

    [Benchmark]
    public int Mark() => PartialChecksum.TryMark(_packet, out var start, out _) ? start : -1;
}
