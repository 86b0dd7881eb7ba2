using MeshActors.Crypto.Handshake;
using MeshActors.Protocol.Frames;
using NSec.Cryptography;

namespace MeshActors.Crypto.Session;

/// <summary>
/// The transport keys of one established link, sealing and opening frames in place in the caller's buffer:
/// <c>[header 16][payload][tag 16]</c>. The header is the AEAD's associated data; the nonce is the header's counter
/// (4 zero bytes, then the counter little-endian). No allocation per frame.
/// Threads: <see cref="Seal"/> may be called from several sender threads (the counter is taken atomically);
/// <see cref="TryOpen"/> belongs to the one receive loop of this link (it owns the replay window).
/// Time is passed in (<c>nowMs</c>, the same clock the handshake was given); the session never reads a clock.
/// </summary>
public sealed class LinkSession : IDisposable
{
    /// <summary>Associated data of an <see cref="FrameType.EndToEndData"/> seal: frame header and end-to-end tag.</summary>
    private const int PrefixAssociatedSize = FrameLayout.HeaderSize + FrameLayout.TagSize;

    private readonly AeadAlgorithm _aead;
    private readonly Key _sendKey;
    private readonly Key _receiveKey;
    private readonly ReplayWindow _window = new();
    private ulong _nextSendCounter;

    internal LinkSession(
        uint localIndex,
        uint remoteIndex,
        PublicIdentity peer,
        bool isInitiator,
        LinkCipher cipher,
        ReadOnlySpan<byte> sendKey,
        ReadOnlySpan<byte> receiveKey,
        long establishedAtMs)
    {
        LocalIndex = localIndex;
        RemoteIndex = remoteIndex;
        Peer = peer;
        IsInitiator = isInitiator;
        Cipher = cipher;
        EstablishedAtMs = establishedAtMs;
        _aead = cipher == LinkCipher.Aes256Gcm ? AeadAlgorithm.Aes256Gcm : AeadAlgorithm.ChaCha20Poly1305;
        _sendKey = Key.Import(_aead, sendKey, KeyBlobFormat.RawSymmetricKey);
        _receiveKey = Key.Import(_aead, receiveKey, KeyBlobFormat.RawSymmetricKey);
    }

    /// <summary>Our index: frames to us carry it as receiver index.</summary>
    public uint LocalIndex { get; }

    /// <summary>The peer's index: every frame we seal carries it.</summary>
    public uint RemoteIndex { get; }

    public PublicIdentity Peer { get; }

    /// <summary>The side that sent the initiation; it starts the rekey when <see cref="RekeyDue"/> says so.</summary>
    public bool IsInitiator { get; }

    public LinkCipher Cipher { get; }

    public long EstablishedAtMs { get; }

    /// <summary>True when both sides offered <see cref="LinkCapabilities.Segments"/>: a payload longer than a
    /// datagram may be sent as Segment frames.</summary>
    public bool BothTakeSegments { get; init; }

    /// <summary>How many frames were sealed (counters handed out, refused ones included).</summary>
    public ulong SentFrames => Volatile.Read(ref _nextSendCounter);

    /// <summary>True once the key is old enough or worn enough that a new handshake should replace it.</summary>
    public bool RekeyDue(long nowMs) =>
        nowMs - EstablishedAtMs >= SessionLimits.RekeyAfterTimeMs || SentFrames >= SessionLimits.RekeyAfterMessages;

    /// <summary>True once the session must no longer be used at all.</summary>
    public bool IsExpired(long nowMs) =>
        nowMs - EstablishedAtMs >= SessionLimits.RejectAfterTimeMs || SentFrames >= SessionLimits.RejectAfterMessages;

    /// <summary>
    /// Seals a transport frame in place. The plaintext must already sit at <c>buffer[HeaderSize..HeaderSize+payloadLength]</c> (<see cref="FrameLayout.HeaderSize"/>);
    /// on success <c>buffer[..frameLength]</c> is the frame to send (header, ciphertext, tag).
    /// </summary>
    public SealStatus Seal(Span<byte> buffer, FrameType type, int payloadLength, out int frameLength)
    {
        frameLength = 0;
        if (!type.IsTransport() || !FrameCodec.IsValidPayloadLength(type, payloadLength))
        {
            return SealStatus.InvalidFrame;
        }

        var length = payloadLength + FrameLayout.TransportOverhead;
        if (buffer.Length < length)
        {
            return SealStatus.BufferTooSmall;
        }

        var counter = Interlocked.Increment(ref _nextSendCounter) - 1;
        if (counter >= SessionLimits.RejectAfterMessages)
        {
            return SealStatus.KeyExhausted;
        }

        new FrameHeader(type, 0, RemoteIndex, counter).Write(buffer);
        Span<byte> nonce = stackalloc byte[12];
        SymmetricState.WriteNonce(nonce, counter);
        var header = buffer[..FrameLayout.HeaderSize];
        if (type == FrameType.EndToEndData)
        {
            SealPrefix(nonce, buffer[..length]);
        }
        else
        {
            var plaintext = buffer.Slice(FrameLayout.HeaderSize, payloadLength);
            _aead.Encrypt(_sendKey, nonce, header, plaintext, buffer.Slice(FrameLayout.HeaderSize, payloadLength + FrameLayout.TagSize));
        }

        frameLength = length;
        return counter + 1 >= SessionLimits.RekeyAfterMessages ? SealStatus.SealedRekeyDue : SealStatus.Sealed;
    }

    /// <summary>
    /// Verifies and decrypts one received frame in place. Cheap checks (structure, receiver, counter limit, replay
    /// window) run before the AEAD; the replay window moves only after the tag verified.
    /// </summary>
    public OpenError TryOpen(Span<byte> frame, out OpenedFrame opened)
    {
        opened = default;
        if (FrameCodec.TryParse(frame, out var parsed) != FrameParseError.None)
        {
            return OpenError.Malformed;
        }

        var header = parsed.Header;
        if (!header.Type.IsTransport())
        {
            return OpenError.NotTransport;
        }

        if (header.ReceiverIndex != LocalIndex)
        {
            return OpenError.WrongReceiver;
        }

        if (header.Counter >= SessionLimits.RejectAfterMessages)
        {
            return OpenError.CounterLimit;
        }

        switch (_window.Check(header.Counter))
        {
            case ReplayCheck.TooOld:
                return OpenError.TooOld;
            case ReplayCheck.Duplicate:
                return OpenError.Replay;
        }

        Span<byte> nonce = stackalloc byte[12];
        SymmetricState.WriteNonce(nonce, header.Counter);
        var payloadLength = parsed.BodyLength;
        var opens = header.Type == FrameType.EndToEndData
            ? OpenPrefix(nonce, frame[..parsed.FrameLength])
            : OpenWhole(nonce, frame, payloadLength);
        if (!opens)
        {
            return OpenError.BadTag;
        }

        _window.Commit(header.Counter);
        opened = new OpenedFrame(header.Type, header.Counter, payloadLength);
        return OpenError.None;
    }

    private bool OpenWhole(ReadOnlySpan<byte> nonce, Span<byte> frame, int payloadLength)
    {
        var sealedPart = frame.Slice(FrameLayout.HeaderSize, payloadLength + FrameLayout.TagSize);
        return _aead.Decrypt(_receiveKey, nonce, frame[..FrameLayout.HeaderSize], sealedPart, sealedPart[..payloadLength]);
    }

    // EndToEndData: only the payload's prefix (the data header) is encrypted; its tag sits where a whole-payload tag
    // would, at the end of the frame. The associated data is the frame header and the payload's last 16 bytes (the
    // end-to-end tag), so neither the header, the length nor the end-to-end tag can change without failing here; a
    // change inside the end-to-end body fails the destination's end-to-end open instead.
    private void SealPrefix(ReadOnlySpan<byte> nonce, Span<byte> frame)
    {
        Span<byte> associated = stackalloc byte[PrefixAssociatedSize];
        WritePrefixAssociatedData(frame, associated);
        var prefix = frame.Slice(FrameLayout.HeaderSize, FrameLayout.EndToEndDataSealedPrefix);
        Span<byte> sealedPrefix = stackalloc byte[FrameLayout.EndToEndDataSealedPrefix + FrameLayout.TagSize];
        _aead.Encrypt(_sendKey, nonce, associated, prefix, sealedPrefix);
        sealedPrefix[..FrameLayout.EndToEndDataSealedPrefix].CopyTo(prefix);
        sealedPrefix[FrameLayout.EndToEndDataSealedPrefix..].CopyTo(frame[^FrameLayout.TagSize..]);
    }

    private bool OpenPrefix(ReadOnlySpan<byte> nonce, Span<byte> frame)
    {
        Span<byte> associated = stackalloc byte[PrefixAssociatedSize];
        WritePrefixAssociatedData(frame, associated);
        var prefix = frame.Slice(FrameLayout.HeaderSize, FrameLayout.EndToEndDataSealedPrefix);
        Span<byte> sealedPrefix = stackalloc byte[FrameLayout.EndToEndDataSealedPrefix + FrameLayout.TagSize];
        prefix.CopyTo(sealedPrefix);
        frame[^FrameLayout.TagSize..].CopyTo(sealedPrefix[FrameLayout.EndToEndDataSealedPrefix..]);
        return _aead.Decrypt(_receiveKey, nonce, associated, sealedPrefix, prefix);
    }

    /// <summary>Frame header ‖ end-to-end tag (the payload's last 16 bytes, just before the link tag).</summary>
    private static void WritePrefixAssociatedData(ReadOnlySpan<byte> frame, Span<byte> associated)
    {
        frame[..FrameLayout.HeaderSize].CopyTo(associated);
        frame[^(2 * FrameLayout.TagSize)..^FrameLayout.TagSize].CopyTo(associated[FrameLayout.HeaderSize..]);
    }

    public void Dispose()
    {
        _sendKey.Dispose();
        _receiveKey.Dispose();
    }

    public override string ToString() => $"LinkSession({LocalIndex:x8}→{RemoteIndex:x8}, {Peer}, {Cipher})";
}
