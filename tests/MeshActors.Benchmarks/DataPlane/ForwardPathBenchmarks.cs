using BenchmarkDotNet.Attributes;
using MeshActors.Crypto;
using MeshActors.Crypto.EndToEnd;
using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.DataPlane.Buffers;
using MeshActors.Protocol.Data;
using MeshActors.Protocol.Frames;

namespace MeshActors.Benchmarks.DataPlane;

/// <summary>
/// The forward path of one packet in memory, without sockets or threads: what the TUN reader, a link's writer and
/// reader, and the destination's forwarder do to it. One operation = one packet.
/// <list type="bullet">
/// <item><see cref="EndToEndSealRingOpen"/>: end-to-end seal with data header → ring enqueue → dequeue → end-to-end
/// open (replay-checked), in place in one buffer.</item>
/// <item><see cref="BothLayersWithPool"/>: pool rent → packet copied in (the TUN read) → end-to-end seal → link
/// seal → ring → link open → end-to-end open → pool return (buffer cleared): the origin-to-destination CPU cost
/// of a one-hop path, with the link sealing the whole frame (type Data) or only the data header (EndToEndData,
/// <see cref="BothLayersHeaderOnlyLinkSeal"/>).</item>
/// </list>
/// The link layer negotiates its cipher in the handshake (AES-256-GCM where both have it, as here); the end-to-end
/// cipher is the <see cref="Aes"/> parameter.
/// Run: dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*ForwardPath*'
/// </summary>
[MemoryDiagnoser]
public class ForwardPathBenchmarks
{
    private static readonly byte[] Destination = Convert.FromHexString("fd6d1111111111110000000000000002");

    private NodeIdentity _origin = null!;
    private NodeIdentity _destination = null!;
    private EndToEndSessionCache _originCache = null!;
    private EndToEndSessionCache _destinationCache = null!;
    private EndToEndSession _session = null!;
    private LinkSession _linkSender = null!;
    private LinkSession _linkReceiver = null!;
    private BufferPool _pool = null!;
    private BoundedRing<PacketBuffer> _ring = null!;
    private PacketBuffer _buffer = null!;
    private byte[] _packet = null!;

    /// <summary>Inner IP packet bytes: a full Ethernet-MTU packet and a large-overlay-MTU packet (TCP links).</summary>
    [Params(1400, 65000)]
    public int PacketSize { get; set; }

    /// <summary>End-to-end cipher: false = ChaCha20-Poly1305 (a peer without AES), true = AES-256-GCM (both have AES).</summary>
    [Params(false, true)]
    public bool Aes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _origin = NodeIdentity.Generate();
        _destination = NodeIdentity.Generate();
        var clock = 1_700_000_000_000L;
        _originCache = new EndToEndSessionCache(_origin, EndToEndLimits.DefaultCapacity, () => clock, offerAes: Aes);
        _destinationCache = new EndToEndSessionCache(_destination, EndToEndLimits.DefaultCapacity, () => clock, offerAes: Aes);
        _session = _originCache.GetOrCreate(_destination.Public)!;
        LearnPeerCipher();
        (_linkSender, _linkReceiver) = LinkPair(_origin, _destination);
        _pool = new BufferPool(capacity: 16, BufferLayout.BufferSizeFor(PacketSize));
        _ring = new BoundedRing<PacketBuffer>(1024);
        _pool.TryRent(out _buffer);
        _packet = new byte[PacketSize];
        _packet[0] = 0x60;
        Random.Shared.NextBytes(_packet.AsSpan(1));
        _packet.CopyTo(_buffer.Array, BufferLayout.PacketOffset);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _linkSender.Dispose();
        _linkReceiver.Dispose();
        _origin.Dispose();
        _destination.Dispose();
    }

    [Benchmark]
    public int EndToEndSealRingOpen()
    {
        var buffer = _buffer;
        buffer.Array[BufferLayout.InnerOffset] = (byte)InnerType.IpPacket;
        var length = _originCache.Seal(_session, buffer.Array.AsSpan(BufferLayout.PayloadOffset), InnerLayout.TypeSize + PacketSize, 64, Destination);
        buffer.Set(BufferLayout.PayloadOffset, length);
        _ring.TryEnqueue(buffer);
        _ring.TryDequeue(out var received);
        _destinationCache.Open(received.Span, out var innerLength, out _);
        return innerLength;
    }

    [Benchmark]
    public int BothLayersWithPool() => BothLayers(FrameType.Data);

    /// <summary>As <see cref="BothLayersWithPool"/>, with the default link sealing: the link seals only the data header.</summary>
    [Benchmark]
    public int BothLayersHeaderOnlyLinkSeal() => BothLayers(FrameType.EndToEndData);

    private int BothLayers(FrameType linkFrame)
    {
        _pool.TryRent(out var buffer);
        _packet.CopyTo(buffer.Array, BufferLayout.PacketOffset);
        buffer.Array[BufferLayout.InnerOffset] = (byte)InnerType.IpPacket;
        var payloadLength = _originCache.Seal(_session, buffer.Array.AsSpan(BufferLayout.PayloadOffset), InnerLayout.TypeSize + PacketSize, 64, Destination);
        buffer.Set(BufferLayout.PayloadOffset, payloadLength);
        _linkSender.Seal(buffer.Array.AsSpan(BufferLayout.FrameOffset), linkFrame, payloadLength, out var frameLength);
        _ring.TryEnqueue(buffer);

        _ring.TryDequeue(out var received);
        var frame = received.Array.AsSpan(BufferLayout.FrameOffset, frameLength);
        _linkReceiver.TryOpen(frame, out var opened);
        _destinationCache.Open(frame.Slice(OpenedFrame.PayloadOffset, opened.PayloadLength), out var innerLength, out _);
        received.Return();
        return innerLength;
    }

    /// <summary>One payload from the destination tells the origin whether it opens AES, as the first reply does in a real exchange.</summary>
    private void LearnPeerCipher()
    {
        var reply = new byte[DataHeader.Size + 2 + InnerLayout.TagSize];
        reply[DataHeader.Size] = (byte)InnerType.IpPacket;
        var length = _destinationCache.Seal(_destinationCache.GetOrCreate(_origin.Public)!, reply, 2, 64, Destination);
        _originCache.Open(reply.AsSpan(0, length), out _, out _);
        if (_session.SendsAes != Aes)
        {
            throw new InvalidOperationException($"AES-256-GCM requested: {Aes}, in use: {_session.SendsAes} (no AES hardware?)");
        }
    }

    private static (LinkSession Sender, LinkSession Receiver) LinkPair(NodeIdentity initiatorIdentity, NodeIdentity responderIdentity)
    {
        using var responder = new HandshakeResponder(new HandshakeSettings(responderIdentity, AdmissionPolicy.Open));
        using var initiator = new HandshakeInitiator(new HandshakeSettings(initiatorIdentity, AdmissionPolicy.Open), responderIdentity.Public, 1);
        var init = new byte[initiator.InitiationSize];
        initiator.WriteInitiation(1, init);
        var reply = new byte[HandshakeLayout.XxResponseSize];
        var responded = responder.Receive(init, 2, 0, reply);
        var sender = initiator.Receive(reply.AsSpan(0, responded.ReplyLength), 0, []).Session!;
        return (sender, responded.Session!);
    }
}
