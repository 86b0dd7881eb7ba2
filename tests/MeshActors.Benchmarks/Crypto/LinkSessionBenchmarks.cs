using BenchmarkDotNet.Attributes;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.Protocol.Frames;
using NSec.Cryptography;

namespace MeshActors.Benchmarks.Crypto;

/// <summary>
/// Seal + open of one 1,400-byte payload through a pair of <see cref="LinkSession"/>s (in place, header as
/// associated data, replay window) against bare NSec encrypt + decrypt of the same size: the session's overhead.
/// Each operation is one frame; a fresh session pair per iteration keeps counters far from the rekey limit.
/// Run: dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*Link*'
/// </summary>
[MemoryDiagnoser]
public class LinkSessionBenchmarks
{
    private const int PayloadSize = 1400;

    private readonly byte[] _frame = new byte[PayloadSize + FrameLayout.TransportOverhead];
    private readonly byte[] _nonce = new byte[12];
    private NodeIdentity _alice = null!;
    private NodeIdentity _bob = null!;
    private LinkSession _sender = null!;
    private LinkSession _receiver = null!;
    private Key _rawKey = null!;
    private ulong _rawCounter;

    [Params(LinkCipher.ChaCha20Poly1305, LinkCipher.Aes256Gcm)]
    public LinkCipher Cipher { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _alice = NodeIdentity.Generate();
        _bob = NodeIdentity.Generate();
        var capabilities = Cipher == LinkCipher.Aes256Gcm ? LinkCapabilities.Aes256Gcm : LinkCapabilities.None;
        var aliceSettings = new HandshakeSettings(_alice, AdmissionPolicy.Open, capabilities);
        using var responder = new HandshakeResponder(new HandshakeSettings(_bob, AdmissionPolicy.Open, capabilities));
        using var initiator = new HandshakeInitiator(aliceSettings, _bob.Public, 1);
        var init = new byte[initiator.InitiationSize];
        initiator.WriteInitiation(1, init);
        var reply = new byte[HandshakeLayout.XxResponseSize];
        var responded = responder.Receive(init, 2, 0, reply);
        _receiver = responded.Session!;
        _sender = initiator.Receive(reply.AsSpan(0, responded.ReplyLength), 0, []).Session!;
        if (_sender.Cipher != Cipher)
        {
            throw new InvalidOperationException($"{Cipher} is not supported on this machine");
        }

        var algorithm = Cipher == LinkCipher.Aes256Gcm ? AeadAlgorithm.Aes256Gcm : (AeadAlgorithm)AeadAlgorithm.ChaCha20Poly1305;
        _rawKey = Key.Create(algorithm);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
        _rawKey.Dispose();
        _alice.Dispose();
        _bob.Dispose();
    }

    [Benchmark]
    public int LinkSessionSealOpen()
    {
        _sender.Seal(_frame, FrameType.Data, PayloadSize, out var length);
        _receiver.TryOpen(_frame.AsSpan(0, length), out var opened);
        return opened.PayloadLength;
    }

    /// <summary>The default for Data payloads: only the 60-byte data header is encrypted, the end-to-end tag bound.</summary>
    [Benchmark]
    public int LinkSessionSealOpenHeaderOnly()
    {
        _sender.Seal(_frame, FrameType.EndToEndData, PayloadSize, out var length);
        _receiver.TryOpen(_frame.AsSpan(0, length), out var opened);
        return opened.PayloadLength;
    }

    [Benchmark(Baseline = true)]
    public bool RawNSecEncryptDecrypt()
    {
        var algorithm = (AeadAlgorithm)_rawKey.Algorithm;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(_nonce.AsSpan(4), _rawCounter++);
        var sealedPart = _frame.AsSpan(FrameLayout.HeaderSize, PayloadSize + FrameLayout.TagSize);
        algorithm.Encrypt(_rawKey, _nonce, default, sealedPart[..PayloadSize], sealedPart);
        return algorithm.Decrypt(_rawKey, _nonce, default, sealedPart, sealedPart[..PayloadSize]);
    }

    /// <summary>Raw NSec with the 11-byte frame header as associated data, as the protocol authenticates it.</summary>
    [Benchmark]
    public bool RawNSecWithHeaderAsAd()
    {
        var algorithm = (AeadAlgorithm)_rawKey.Algorithm;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(_nonce.AsSpan(4), _rawCounter++);
        var header = _frame.AsSpan(0, FrameLayout.HeaderSize);
        var sealedPart = _frame.AsSpan(FrameLayout.HeaderSize, PayloadSize + FrameLayout.TagSize);
        algorithm.Encrypt(_rawKey, _nonce, header, sealedPart[..PayloadSize], sealedPart);
        return algorithm.Decrypt(_rawKey, _nonce, header, sealedPart, sealedPart[..PayloadSize]);
    }
}
