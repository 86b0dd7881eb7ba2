using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.Protocol.Frames;
using static MeshActors.Crypto.Tests.Handshake.HandshakeFixture;

namespace MeshActors.Crypto.Tests.Fuzz;

/// <summary>
/// Seeded fuzzing of everything that reads bytes from the network: frame codec, TCP framing decoder, handshake
/// responder and initiator, LinkSession.TryOpen. Each input is valid (must be accepted) or damaged (must be refused,
/// with a reason that is counted). Reproducible: a failure names its seed. Runs in a few seconds.
/// </summary>
public class LinkFuzzTests
{
    private const int Seed = 20_250_601;
    private const int SessionFrames = 120_000;
    private const int StreamReads = 30_000;
    private const int HandshakeMessages = 1_500;

    private enum Damage
    {
        None,
        BitFlip,
        Truncate,
        Extend,
        RandomBytes,
        Replay,
        ForgedTag,
    }

    [Fact]
    public void Session_accepts_valid_and_reordered_frames_and_refuses_every_damaged_one()
    {
        var random = new Random(Seed);
        using var alice = Alice();
        using var bob = Bob();
        var run = RunHandshake(Settings(alice), Settings(bob), pin: true);
        using var sender = run.InitiatorResult.Session!;
        using var receiver = run.ResponderResult.Session!;
        var refusals = new Dictionary<OpenError, int>();
        var parseErrors = new Dictionary<FrameParseError, int>();
        var delayed = new List<byte[]>();
        var accepted = new List<byte[]>();
        var validInOrder = 0;
        var delayedTotal = 0;
        var buffer = new byte[2048];

        for (var i = 0; i < SessionFrames; i++)
        {
            var damage = (Damage)random.Next(Enum.GetValues<Damage>().Length);
            var frame = damage == Damage.Replay && accepted.Count > 0
                ? accepted[random.Next(accepted.Count)]
                : damage == Damage.RandomBytes ? RandomBytes(random) : Seal(sender, random);
            if (damage == Damage.None && random.Next(8) == 0)
            {
                delayed.Add(frame); // deliver later, out of order
                delayedTotal++;
                continue;
            }

            var input = damage switch
            {
                Damage.BitFlip => FlipLinkAuthenticatedBit(frame, random),
                Damage.Truncate => frame[..random.Next(frame.Length)],
                Damage.Extend => [.. frame, .. RandomBytes(random, 1 + random.Next(40))],
                Damage.ForgedTag => FlipBit(frame, random, from: frame.Length - FrameLayout.TagSize),
                _ => frame,
            };

            var parse = FrameCodec.TryParse(input, out _);
            Count(parseErrors, parse);
            input.CopyTo(buffer, 0);
            var result = receiver.TryOpen(buffer.AsSpan(0, input.Length), out _);
            var mustAccept = damage == Damage.None || (damage == Damage.Replay && accepted.Count == 0);
            if (mustAccept)
            {
                Assert.True(result == OpenError.None, $"seed {Seed}, frame {i}: valid frame refused with {result}");
                accepted.Add(frame);
                validInOrder++;
            }
            else
            {
                Assert.True(result != OpenError.None, $"seed {Seed}, frame {i}: {damage} frame accepted");
                Count(refusals, result);
            }

            if (delayed.Count > 0 && random.Next(4) == 0)
            {
                var late = delayed[0];
                delayed.RemoveAt(0);
                late.CopyTo(buffer, 0);
                Assert.Equal(OpenError.None, receiver.TryOpen(buffer.AsSpan(0, late.Length), out _));
            }

            if (accepted.Count > 64)
            {
                accepted.RemoveRange(0, 32);
            }
        }

        Assert.True(validInOrder > SessionFrames / 10);
        Assert.True(delayedTotal > 0);
        Assert.Equal(SessionFrames - validInOrder - delayedTotal, refusals.Values.Sum());
        foreach (var reason in new[] { OpenError.Malformed, OpenError.WrongReceiver, OpenError.BadTag, OpenError.Replay })
        {
            Assert.True(refusals.GetValueOrDefault(reason) > 0, $"no refusal counted as {reason}");
        }

        Assert.True(parseErrors.Count > 4, "random input should reach most codec error reasons");
    }

    [Fact]
    public void Tcp_decoder_survives_random_streams_and_recovers_valid_frames()
    {
        var random = new Random(Seed);
        var statuses = new Dictionary<TcpDecodeStatus, int>();
        for (var stream = 0; stream < StreamReads / 10; stream++)
        {
            var decoder = new TcpFrameDecoder();
            var valid = random.Next(2) == 0;
            var expected = 0;
            var bytes = valid ? ValidStream(random, out expected) : RandomBytes(random, random.Next(1, 3000));
            if (!valid && stream % 50 == 0 && bytes.Length >= TcpFraming.PrefixSize)
            {
                // Random prefixes rarely fall outside HeaderSize..MaxFrameSize: make sure some do.
                bytes.AsSpan(0, TcpFraming.PrefixSize).Fill(stream % 100 == 0 ? (byte)0 : (byte)0xff);
            }

            var frames = 0;
            var position = 0;
            var status = TcpDecodeStatus.NeedMore;
            for (var read = 0; read < 10 && position < bytes.Length; read++)
            {
                var size = read == 9 ? bytes.Length - position : Math.Min(random.Next(1, 400), bytes.Length - position);
                var chunk = bytes.AsSpan(position, size);
                position += size;
                while (!chunk.IsEmpty && status is TcpDecodeStatus.NeedMore or TcpDecodeStatus.Frame)
                {
                    status = decoder.Decode(chunk, out var consumed, out var frame);
                    chunk = chunk[consumed..];
                    Count(statuses, status);
                    if (status == TcpDecodeStatus.Frame)
                    {
                        Assert.InRange(frame.Length, FrameLayout.HeaderSize, FrameLayout.MaxFrameSize);
                        frames++;
                    }
                }
            }

            if (valid)
            {
                Assert.Equal(expected, frames);
            }
        }

        Assert.True(statuses.GetValueOrDefault(TcpDecodeStatus.Undersize) + statuses.GetValueOrDefault(TcpDecodeStatus.Oversize) > 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Responder_refuses_every_damaged_initiation_with_a_reason(bool pin)
    {
        var random = new Random(Seed + (pin ? 1 : 0));
        using var alice = Alice();
        using var bob = Bob();
        using var responder = new HandshakeResponder(Settings(bob), maxHalfOpen: 64);
        using var initiator = new HandshakeInitiator(Settings(alice, ephemeralByte: 0x0e), pin ? bob.Public : null, InitiatorIndex);
        var valid = new byte[initiator.InitiationSize];
        initiator.WriteInitiation(ulong.MaxValue - 1, valid);
        var reply = new byte[HandshakeLayout.XxResponseSize];
        var reasons = new Dictionary<HandshakeError, int>();

        for (var i = 0; i < HandshakeMessages; i++)
        {
            var damage = (Damage)random.Next(1, (int)Damage.Replay);
            var input = damage switch
            {
                Damage.BitFlip => FlipBit(valid, random),
                Damage.Truncate => valid[..random.Next(valid.Length)],
                Damage.Extend => [.. valid, .. RandomBytes(random, 1 + random.Next(40))],
                _ => random.Next(2) == 0 ? RandomBytes(random) : WithValidHeader(valid, random),
            };

            var result = responder.Receive(input, (uint)i, Now, reply);
            Assert.True(result.Status == HandshakeStatus.Rejected, $"seed {Seed}, message {i}: {damage} initiation accepted");
            Count(reasons, result.Error);
        }

        Assert.Equal(HandshakeMessages, reasons.Values.Sum());
        Assert.True(reasons.GetValueOrDefault(HandshakeError.Malformed) > 0);
        Assert.True(reasons.GetValueOrDefault(HandshakeError.AuthenticationFailed) > 0);

        // The undamaged message is still accepted after all that.
        var ok = responder.Receive(valid, 99_999, Now, reply);
        Assert.NotEqual(HandshakeStatus.Rejected, ok.Status);
        ok.Session?.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Initiator_refuses_every_damaged_response_with_a_reason(bool pin)
    {
        var random = new Random(Seed + 2 + (pin ? 1 : 0));
        using var alice = Alice();
        using var bob = Bob();
        var run = RunHandshake(Settings(alice, ephemeralByte: 0x0e), Settings(bob, ephemeralByte: 0x0f), pin);
        run.InitiatorResult.Session?.Dispose();
        run.ResponderResult.Session?.Dispose();
        var valid = run.Messages[1];
        var reasons = new Dictionary<HandshakeError, int>();

        for (var i = 0; i < HandshakeMessages / 3; i++)
        {
            var damage = (Damage)random.Next(1, (int)Damage.Replay);
            var input = damage switch
            {
                Damage.BitFlip => FlipBit(valid, random),
                Damage.Truncate => valid[..random.Next(valid.Length)],
                Damage.Extend => [.. valid, .. RandomBytes(random, 1 + random.Next(40))],
                _ => WithValidHeader(valid, random),
            };

            using var initiator = new HandshakeInitiator(Settings(alice, ephemeralByte: 0x0e), pin ? bob.Public : null, InitiatorIndex);
            initiator.WriteInitiation((ulong)Now, new byte[initiator.InitiationSize]);
            var result = initiator.Receive(input, Now, new byte[HandshakeLayout.XxFinishSize]);
            Assert.True(result.Status == HandshakeStatus.Rejected, $"seed {Seed}, message {i}: {damage} response accepted");
            Count(reasons, result.Error);
        }

        Assert.Equal(HandshakeMessages / 3, reasons.Values.Sum());
        Assert.True(reasons.GetValueOrDefault(HandshakeError.AuthenticationFailed) > 0);
    }

    private static byte[] Seal(LinkSession session, Random random)
    {
        var type = (FrameType)random.Next((int)FrameType.Hello, (int)FrameType.EndToEndData + 1);
        var length = FrameCodec.FixedPayloadLength(type) is var fixedLength and >= 0 ? fixedLength
            : type == FrameType.EndToEndData ? random.Next(FrameLayout.MinEndToEndDataPayload, 1500)
            : random.Next(1, 1500);
        var frame = new byte[length + FrameLayout.TransportOverhead];
        random.NextBytes(frame.AsSpan(FrameLayout.HeaderSize, length));
        Assert.Equal(SealStatus.Sealed, session.Seal(frame, type, length, out _));
        return frame;
    }

    private static byte[] ValidStream(Random random, out int frames)
    {
        frames = random.Next(1, 6);
        var stream = new List<byte>();
        for (var i = 0; i < frames; i++)
        {
            var frame = RandomBytes(random, random.Next(FrameLayout.HeaderSize, 2000));
            var prefix = new byte[TcpFraming.PrefixSize];
            TcpFraming.TryWritePrefix(prefix, frame.Length);
            stream.AddRange(prefix);
            stream.AddRange(frame);
        }

        return stream.ToArray();
    }

    private static byte[] RandomBytes(Random random, int length = -1)
    {
        var bytes = new byte[length >= 0 ? length : random.Next(0, 200)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A valid header followed by random bytes: passes the codec, so it reaches the cryptography.</summary>
    private static byte[] WithValidHeader(byte[] valid, Random random)
    {
        var bytes = RandomBytes(random, valid.Length);
        valid.AsSpan(0, FrameLayout.HeaderSize).CopyTo(bytes);
        return bytes;
    }

    /// <summary>
    /// A bit flip the link layer must catch. In an EndToEndData frame the end-to-end body (between the sealed data
    /// header and the end-to-end tag) is the destination's to authenticate, so flips land outside it.
    /// </summary>
    private static byte[] FlipLinkAuthenticatedBit(byte[] frame, Random random)
    {
        if ((FrameType)frame[1] != FrameType.EndToEndData)
        {
            return FlipBit(frame, random);
        }

        var bodyStart = FrameLayout.HeaderSize + FrameLayout.EndToEndDataSealedPrefix;
        var bodyEnd = frame.Length - 2 * FrameLayout.TagSize;
        var copy = (byte[])frame.Clone();
        var outsideBody = bodyStart + (frame.Length - bodyEnd);
        var index = random.Next(outsideBody);
        index = index < bodyStart ? index : bodyEnd + (index - bodyStart);
        copy[index] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static byte[] FlipBit(byte[] frame, Random random, int from = 0)
    {
        var copy = (byte[])frame.Clone();
        var bit = random.Next(from * 8, copy.Length * 8);
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    private static void Count<T>(Dictionary<T, int> counts, T key)
        where T : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
