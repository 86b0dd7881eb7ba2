using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.Protocol.Frames;
using static MeshActors.Crypto.Tests.Handshake.HandshakeFixture;

namespace MeshActors.Crypto.Tests.Session;

public sealed class LinkSessionTests : IDisposable
{
    /// <summary>Frame header bytes: where a transport payload starts.</summary>
    private const int H = FrameLayout.HeaderSize;

    private readonly NodeIdentity _alice = Alice();
    private readonly NodeIdentity _bob = Bob();
    private readonly LinkSession _a;
    private readonly LinkSession _b;

    public LinkSessionTests()
    {
        var run = RunHandshake(Settings(_alice), Settings(_bob), pin: true);
        _a = run.InitiatorResult.Session!;
        _b = run.ResponderResult.Session!;
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _alice.Dispose();
        _bob.Dispose();
    }

    private byte[] Sealed(FrameType type, byte[] payload)
    {
        var buffer = new byte[payload.Length + FrameLayout.TransportOverhead];
        payload.CopyTo(buffer, FrameLayout.HeaderSize);
        Assert.Equal(SealStatus.Sealed, _a.Seal(buffer, type, payload.Length, out var length));
        Assert.Equal(buffer.Length, length);
        return buffer;
    }

    [Fact]
    public void Seal_writes_header_ciphertext_and_tag_in_place()
    {
        var frame = Sealed(FrameType.Control, [1, 2, 3, 4]);
        Assert.Equal(FrameParseError.None, FrameCodec.TryParse(frame, out var parsed));
        Assert.Equal(FrameType.Control, parsed.Header.Type);
        Assert.Equal(_a.RemoteIndex, parsed.Header.ReceiverIndex);
        Assert.Equal(0ul, parsed.Header.Counter);
        Assert.NotEqual(new byte[] { 1, 2, 3, 4 }, frame[H..(H + 4)]);

        Assert.Equal(OpenError.None, _b.TryOpen(frame, out var opened));
        Assert.Equal(FrameType.Control, opened.Type);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, frame[H..(H + 4)]);
    }

    [Fact]
    public void Header_is_authenticated()
    {
        var frame = Sealed(FrameType.Data, [1, 2, 3]);
        frame[1] = (byte)FrameType.Control;
        Assert.Equal(OpenError.BadTag, _b.TryOpen(frame, out _));
    }

    [Fact]
    public void Each_kind_of_bad_frame_gets_its_reason()
    {
        var good = Sealed(FrameType.Data, [7]);

        Assert.Equal(OpenError.Malformed, _b.TryOpen(good.AsSpan(0, 10), out _));
        var handshake = new byte[HandshakeLayout.XxInitSize];
        new FrameHeader(FrameType.HandshakeInit, 0, 0, 0).Write(handshake);
        Assert.Equal(OpenError.NotTransport, _b.TryOpen(handshake, out _));

        var wrongReceiver = (byte[])good.Clone();
        wrongReceiver[FrameLayout.HeaderSize - 5] ^= 1; // last byte of the receiver index
        Assert.Equal(OpenError.WrongReceiver, _b.TryOpen(wrongReceiver, out _));

        var forged = (byte[])good.Clone();
        forged[^1] ^= 1;
        Assert.Equal(OpenError.BadTag, _b.TryOpen(forged, out _));

        var huge = (byte[])good.Clone();
        new FrameHeader(FrameType.Data, 0, _b.LocalIndex, SessionLimits.RejectAfterMessages).Write(huge);
        Assert.Equal(OpenError.CounterLimit, _b.TryOpen(huge, out _));

        Assert.Equal(OpenError.None, _b.TryOpen((byte[])good.Clone(), out _));
        Assert.Equal(OpenError.Replay, _b.TryOpen((byte[])good.Clone(), out _));
    }

    [Fact]
    public void Out_of_order_frames_are_accepted_and_too_old_ones_refused()
    {
        var frames = Enumerable.Range(0, ReplayWindow.WindowSize + 10).Select(i => Sealed(FrameType.Data, [(byte)i])).ToArray();
        Assert.Equal(OpenError.None, _b.TryOpen(frames[^1], out _));
        Assert.Equal(OpenError.None, _b.TryOpen(frames[^2], out _));
        Assert.Equal(OpenError.None, _b.TryOpen(frames[10], out _));
        Assert.Equal(OpenError.TooOld, _b.TryOpen(frames[9], out _));
    }

    [Fact]
    public void Forged_frames_do_not_move_the_replay_window()
    {
        var first = Sealed(FrameType.Data, [1]);
        var forged = new byte[FrameLayout.TransportOverhead + 1];
        new FrameHeader(FrameType.Data, 0, _b.LocalIndex, 1_000_000).Write(forged);
        Assert.Equal(OpenError.BadTag, _b.TryOpen(forged, out _));
        Assert.Equal(OpenError.None, _b.TryOpen(first, out _));
    }

    [Fact]
    public void Seal_refuses_invalid_frames_and_small_buffers()
    {
        var buffer = new byte[100];
        Assert.Equal(SealStatus.InvalidFrame, _a.Seal(buffer, FrameType.HandshakeInit, 10, out _));
        Assert.Equal(SealStatus.InvalidFrame, _a.Seal(buffer, FrameType.Hello, 11, out _));
        Assert.Equal(SealStatus.InvalidFrame, _a.Seal(buffer, FrameType.Data, 0, out _));
        Assert.Equal(SealStatus.BufferTooSmall, _a.Seal(buffer, FrameType.Data, 100 - FrameLayout.TransportOverhead + 1, out _));
        Assert.Equal(SealStatus.Sealed, _a.Seal(buffer, FrameType.Data, 100 - FrameLayout.TransportOverhead, out var length));
        Assert.Equal(100, length);
        Assert.Equal(SealStatus.Sealed, _a.Seal(buffer, FrameType.KeepAlive, 0, out length));
        Assert.Equal(FrameLayout.TransportOverhead, length);
    }

    [Fact]
    public void Rekey_is_signalled_by_time_and_expiry_follows()
    {
        Assert.False(_a.RekeyDue(Now + SessionLimits.RekeyAfterTimeMs - 1));
        Assert.True(_a.RekeyDue(Now + SessionLimits.RekeyAfterTimeMs));
        Assert.False(_a.IsExpired(Now + SessionLimits.RejectAfterTimeMs - 1));
        Assert.True(_a.IsExpired(Now + SessionLimits.RejectAfterTimeMs));
    }

    [Fact]
    public void Counter_budget_signals_rekey_then_refuses_at_exhaustion()
    {
        var buffer = new byte[FrameLayout.TransportOverhead];
        SetSendCounter(_a, SessionLimits.RekeyAfterMessages - 2);
        Assert.Equal(SealStatus.Sealed, _a.Seal(buffer, FrameType.KeepAlive, 0, out _));
        Assert.Equal(SealStatus.SealedRekeyDue, _a.Seal(buffer, FrameType.KeepAlive, 0, out _));
        Assert.True(_a.RekeyDue(Now));

        SetSendCounter(_a, SessionLimits.RejectAfterMessages - 1);
        Assert.Equal(SealStatus.SealedRekeyDue, _a.Seal(buffer, FrameType.KeepAlive, 0, out _));
        Assert.Equal(OpenError.None, _b.TryOpen(buffer, out var last));
        Assert.Equal(SessionLimits.RejectAfterMessages - 1, last.Counter);
        Assert.Equal(SealStatus.KeyExhausted, _a.Seal(buffer, FrameType.KeepAlive, 0, out _));
        Assert.True(_a.IsExpired(Now));
    }

    [Theory]
    [InlineData(FrameType.Data)]
    [InlineData(FrameType.EndToEndData)]
    public void Seal_and_open_do_not_allocate(FrameType type)
    {
        var buffer = new byte[1400 + FrameLayout.TransportOverhead];
        _a.Seal(buffer, type, 1400, out var length);
        _b.TryOpen(buffer.AsSpan(0, length), out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _a.Seal(buffer, type, 1400, out length);
            _b.TryOpen(buffer.AsSpan(0, length), out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void EndToEndData_encrypts_only_the_data_header_and_opens_to_the_same_payload()
    {
        var payload = RandomPayload(300);
        var frame = Sealed(FrameType.EndToEndData, payload);
        var prefix = FrameLayout.EndToEndDataSealedPrefix;
        Assert.NotEqual(payload[..prefix], frame[H..(H + prefix)]);
        Assert.Equal(payload[prefix..], frame[(H + prefix)..^16]);

        Assert.Equal(OpenError.None, _b.TryOpen(frame, out var opened));
        Assert.Equal(FrameType.EndToEndData, opened.Type);
        Assert.Equal(payload.Length, opened.PayloadLength);
        Assert.Equal(payload, frame[H..^16]);
    }

    [Theory]
    [InlineData(H - 1)] // counter
    [InlineData(H)] // first byte of the sealed data header
    [InlineData(H + FrameLayout.EndToEndDataSealedPrefix - 1)] // last byte of the sealed data header
    [InlineData(-32)] // first byte of the end-to-end tag
    [InlineData(-17)] // last byte of the end-to-end tag
    [InlineData(-1)] // link tag
    public void EndToEndData_refuses_a_change_to_anything_the_link_authenticates(int offset)
    {
        var frame = Sealed(FrameType.EndToEndData, RandomPayload(200));
        frame[offset >= 0 ? offset : frame.Length + offset] ^= 0x01;
        Assert.Equal(OpenError.BadTag, _b.TryOpen(frame, out _));
    }

    [Fact]
    public void EndToEndData_leaves_the_end_to_end_body_to_the_destination()
    {
        // The body is end-to-end ciphertext: the destination's end-to-end tag catches a change inside it
        // (EndToEndSession tests); the link layer passes it on unchanged.
        var payload = RandomPayload(200);
        var frame = Sealed(FrameType.EndToEndData, payload);
        frame[H + 100] ^= 0x80;
        Assert.Equal(OpenError.None, _b.TryOpen(frame, out _));
        Assert.Equal(payload[..100], frame[H..(H + 100)]);
        Assert.NotEqual(payload[100], frame[H + 100]);
    }

    [Fact]
    public void EndToEndData_refuses_truncation_replay_and_a_type_swap()
    {
        var frame = Sealed(FrameType.EndToEndData, RandomPayload(200));
        var truncated = frame[..^1];
        Assert.Equal(OpenError.BadTag, _b.TryOpen(truncated, out _));

        var swapped = (byte[])frame.Clone();
        swapped[1] = (byte)FrameType.Data;
        Assert.Equal(OpenError.BadTag, _b.TryOpen(swapped, out _));

        var copy = (byte[])frame.Clone();
        Assert.Equal(OpenError.None, _b.TryOpen(frame, out _));
        Assert.Equal(OpenError.Replay, _b.TryOpen(copy, out _));
    }

    [Fact]
    public void EndToEndData_needs_room_for_a_data_header_and_an_end_to_end_tag()
    {
        var buffer = new byte[FrameLayout.MinEndToEndDataPayload + FrameLayout.TransportOverhead];
        Assert.Equal(SealStatus.InvalidFrame, _a.Seal(buffer, FrameType.EndToEndData, FrameLayout.MinEndToEndDataPayload - 1, out _));
        Assert.Equal(SealStatus.Sealed, _a.Seal(buffer, FrameType.EndToEndData, FrameLayout.MinEndToEndDataPayload, out _));
        Assert.Equal(OpenError.None, _b.TryOpen(buffer, out _));
    }

    private static byte[] RandomPayload(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        return payload;
    }

    private static void SetSendCounter(LinkSession session, ulong value) =>
        typeof(LinkSession).GetField("_nextSendCounter", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .SetValue(session, value);
}
