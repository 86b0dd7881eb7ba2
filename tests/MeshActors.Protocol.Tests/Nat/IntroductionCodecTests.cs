using FsCheck.Xunit;
using MeshActors.Protocol.Nat;
using MeshActors.Protocol.Routing;

namespace MeshActors.Protocol.Tests.Nat;

public sealed class IntroductionCodecTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(IntroductionCodec.MaxKeys)]
    public void Round_trips(int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => Enumerable.Repeat((byte)(i + 1), IntroductionCodec.KeySize).ToArray()).ToList();

        var payload = IntroductionCodec.Encode([.. keys.Select(key => (ReadOnlyMemory<byte>)key)]);

        Assert.Equal(IntroductionCodec.HeaderSize + (count * IntroductionCodec.KeySize), payload.Length);
        Assert.Equal([ControlKinds.Introduction, IntroductionCodec.Version, (byte)count], payload[..3]);
        Assert.True(IntroductionCodec.TryDecode(payload, out var decoded));
        Assert.Equal(keys, decoded);
    }

    [Fact]
    public void Encoding_no_key_too_many_or_a_short_one_throws()
    {
        var key = new byte[IntroductionCodec.KeySize];
        Assert.Throws<ArgumentException>(() => IntroductionCodec.Encode([]));
        Assert.Throws<ArgumentException>(() => IntroductionCodec.Encode([.. Enumerable.Repeat((ReadOnlyMemory<byte>)key, IntroductionCodec.MaxKeys + 1)]));
        Assert.Throws<ArgumentException>(() => IntroductionCodec.Encode([key.AsMemory(1)]));
    }

    public static TheoryData<byte[]> Malformed()
    {
        var one = IntroductionCodec.Encode([new byte[IntroductionCodec.KeySize]]);
        byte[] With(int at, byte value)
        {
            var copy = one.ToArray();
            copy[at] = value;
            return copy;
        }

        var seventeen = new byte[IntroductionCodec.HeaderSize + (17 * IntroductionCodec.KeySize)];
        seventeen[0] = ControlKinds.Introduction;
        seventeen[1] = IntroductionCodec.Version;
        seventeen[2] = 17;
        return new TheoryData<byte[]>
        {
            Array.Empty<byte>(),
            one[..2],
            With(0, ControlKinds.Reflection),
            With(1, 2),
            With(2, 0),
            With(2, 2),
            one[..^1],
            one.Append((byte)0).ToArray(),
            seventeen,
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_payloads_are_refused(byte[] payload) =>
        Assert.False(IntroductionCodec.TryDecode(payload, out _));

    [Property]
    public bool Any_bytes_either_are_refused_or_encode_back_to_themselves(byte[] payload) =>
        !IntroductionCodec.TryDecode(payload, out var keys)
        || IntroductionCodec.Encode([.. keys.Select(key => (ReadOnlyMemory<byte>)key)]).AsSpan().SequenceEqual(payload);
}
