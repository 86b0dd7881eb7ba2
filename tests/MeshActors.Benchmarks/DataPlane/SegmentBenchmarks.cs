using BenchmarkDotNet.Attributes;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Frames;

namespace MeshActors.Benchmarks.DataPlane;

/// <summary>
/// The segment paths of a UDP link (PROTOCOL.md §2): cutting one payload into sealed 1,452-byte Segment frames laid end
/// to end (what one segmented send hands the kernel), and opening those frames and putting the payload back together
/// (what the receiving link does with a coalesced run). Both must allocate nothing.
/// Run: dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*SegmentBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class SegmentBenchmarks
{
    private const int DatagramSize = 1452;

    private readonly byte[] _scratch = new byte[SegmentLayout.MaxDatagramBytes];
    private readonly byte[] _received = new byte[SegmentLayout.MaxDatagramBytes];
    private readonly BufferPool _pool = new(4, BufferLayout.MaxBufferSize);
    private readonly LinkStats _stats = new();
    private readonly SegmentReassembly _reassembly = new();
    private byte[] _payload = null!;
    private NodeIdentity _alice = null!;
    private NodeIdentity _bob = null!;
    private LinkSession _sender = null!;
    private LinkSession _receiver = null!;

    /// <summary>Payload bytes: one 64 KB TCP segment from the TUN, and a 9,000-byte one.</summary>
    [Params(65_000, 9_000)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _alice = NodeIdentity.Generate();
        _bob = NodeIdentity.Generate();
        _payload = new byte[PayloadSize];
        Random.Shared.NextBytes(_payload);
        NewSessions();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
        _alice.Dispose();
        _bob.Dispose();
    }

    [Benchmark]
    public int CutAndSeal()
    {
        RenewSessionsWhenWorn();
        return SegmentWriter.Write(_sender, FrameType.Data, _payload, DatagramSize, _scratch, out _, out _);
    }

    [Benchmark]
    public int CutSealOpenAndReassemble()
    {
        RenewSessionsWhenWorn();
        var length = SegmentWriter.Write(_sender, FrameType.Data, _payload, DatagramSize, _received, out var frameSize, out _);
        var delivered = 0;
        for (var start = 0; start < length; start += frameSize)
        {
            var frame = _received.AsSpan(start, Math.Min(frameSize, length - start));
            _receiver.TryOpen(frame, out var opened);
            var whole = _reassembly.Add(_receiver.LocalIndex, opened.Counter, frame.Slice(FrameLayout.HeaderSize, opened.PayloadLength), _pool, _stats, out _);
            if (whole is not null)
            {
                delivered = whole.Length;
                whole.Return();
            }
        }

        return delivered;
    }

    /// <summary>A session seals at most 2^26 frames: a long run gets a fresh pair well before that (not per operation).</summary>
    private void RenewSessionsWhenWorn()
    {
        if (_sender.SentFrames > SessionLimits.RekeyAfterMessages)
        {
            _sender.Dispose();
            _receiver.Dispose();
            NewSessions();
        }
    }

    private void NewSessions()
    {
        var capabilities = LinkCapabilitiesExtensions.Local;
        using var responder = new HandshakeResponder(new HandshakeSettings(_bob, AdmissionPolicy.Open, capabilities));
        using var initiator = new HandshakeInitiator(new HandshakeSettings(_alice, AdmissionPolicy.Open, capabilities), _bob.Public, 1);
        var init = new byte[initiator.InitiationSize];
        initiator.WriteInitiation((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), init);
        var reply = new byte[HandshakeLayout.XxResponseSize];
        var responded = responder.Receive(init, 2, 0, reply);
        _receiver = responded.Session!;
        _sender = initiator.Receive(reply.AsSpan(0, responded.ReplyLength), 0, []).Session!;
    }
}
