using System.Net;
using MeshActors.Protocol.Nat;

namespace MeshActors.Protocol.Tests.Nat;

public sealed class PunchSignalCodecTests
{
    private static readonly PunchSignal Offer = new(PunchSignalKind.Offer, 2, UInt128.MaxValue - 5,
    [
        new PunchCandidate(CandidateKind.Reflexive, IPEndPoint.Parse("203.0.113.1:40000")),
        new PunchCandidate(CandidateKind.Local, IPEndPoint.Parse("192.168.1.2:9651")),
        new PunchCandidate(CandidateKind.Global, IPEndPoint.Parse("[2001:db8::2]:9651")),
    ]);

    [Fact]
    public void Round_trips_and_sends_a_dual_stack_ipv4_address_as_ipv4()
    {
        var mapped = Offer with { Candidates = [.. Offer.Candidates, new PunchCandidate(CandidateKind.Local, IPEndPoint.Parse("[::ffff:10.0.0.1]:1"))] };

        var payload = PunchSignalCodec.Encode(mapped);

        Assert.Equal(PunchSignalCodec.FixedSize + 8 + 8 + 20 + 8, payload.Length);
        Assert.True(PunchSignalCodec.TryDecode(payload, out var decoded));
        Assert.Equal(mapped.Kind, decoded!.Kind);
        Assert.Equal(mapped.NatType, decoded.NatType);
        Assert.Equal(mapped.Token, decoded.Token);
        Assert.Equal([.. Offer.Candidates, new PunchCandidate(CandidateKind.Local, IPEndPoint.Parse("10.0.0.1:1"))], decoded.Candidates);
    }

    [Fact]
    public void Truncated_extended_or_altered_signals_are_refused()
    {
        var payload = PunchSignalCodec.Encode(Offer);
        var refused = new List<byte[]>
        {
            payload[..^1],
            payload.Append((byte)0).ToArray(),
            payload[..PunchSignalCodec.FixedSize],
        };
        foreach (var (offset, value) in new[] { (0, 2), (1, 3), (2, 4), (3, 0), (3, 17), (20, 4), (21, 5), (22, 0) })
        {
            var altered = (byte[])payload.Clone();
            altered[offset] = (byte)value;
            if (offset == 22)
            {
                altered[23] = 0; // port 0
            }

            refused.Add(altered);
        }

        Assert.All(refused, bytes => Assert.False(PunchSignalCodec.TryDecode(bytes, out _), Convert.ToHexString(bytes)));
    }

    [Fact]
    public void A_probe_is_exactly_header_and_token()
    {
        var frame = new byte[ProbeFrame.Size];
        ProbeFrame.Write(0x0102, frame);

        Assert.True(ProbeFrame.TryRead(frame, out var token));
        Assert.Equal((UInt128)0x0102, token);
        Assert.False(ProbeFrame.TryRead(frame.AsSpan(0, ProbeFrame.Size - 1), out _));
        frame[4] = 1; // a receiver index: not a probe
        Assert.False(ProbeFrame.TryRead(frame, out _));
    }

    [Fact]
    public void No_or_too_many_candidates_cannot_be_encoded()
    {
        Assert.Throws<ArgumentException>(() => PunchSignalCodec.Encode(Offer with { Candidates = [] }));
        Assert.Throws<ArgumentException>(() => PunchSignalCodec.Encode(Offer with { Candidates = [.. Enumerable.Repeat(Offer.Candidates[0], 17)] }));
    }
}
