using MeshActors.Crypto.Session;
using MeshActors.Protocol.Frames;
using static MeshActors.Crypto.Tests.Handshake.HandshakeFixture;

namespace MeshActors.Crypto.Tests.Handshake;

/// <summary>
/// Fixed identities (seeds 0xa1… and 0xb0…), fixed ephemerals (scalars 0x0e… initiator, 0x0f… responder), no
/// capabilities, timestamp 1,700,000,000,000, indexes 0x11111111 / 0x22222222 → fixed bytes. A change here is a
/// wire-format change: bump <see cref="FrameLayout.Version"/> or the protocol name, never just the vector.
/// </summary>
public class HandshakeGoldenVectorTests
{
    private const string IkInit =
        "02010100000000000000000000000000111111115855784cb3c8c796d84ac93e8f4a53dab0bb31e80960042cfa87f03a4293b308ebfe134bf017c9885d89d9269e48dac057af4aa000f7eddc24e89af85673aee9b1f4c21ec45dc99f5fb784074d98a028abc5762533c0f78de96d0661aa72647a33b112b649770cc0d369e40e";
    private const string IkResponse =
        "02020100111111110000000000000000222222227e81e916e3afcdb31ef74d8db923f2ba15b82a1aa6594ea228dcdf27d7b54f6cd9b3151f0f4ac6bff18bece59d01b2353d723d83";
    private const string IkFirstData = "02070000222222220000000000000000135764e813610cff7cdf8728f09d747c3e82f02c";
    private const string XxInit =
        "02010000000000000000000000000000111111115855784cb3c8c796d84ac93e8f4a53dab0bb31e80960042cfa87f03a4293b308aa21bc83c83ce18e2bb114034ae121f1ba186f68f266c300ff841756";
    private const string XxResponse =
        "02020000111111110000000000000000222222227e81e916e3afcdb31ef74d8db923f2ba15b82a1aa6594ea228dcdf27d7b54f6c547e391cc358996a4490acc7ee53a16e33d7db81a170a3beb0392d44c6b22347073a9209836ff18fc6229d37d955b2b610ff50e8c80715327e861604216113f9459d118e";
    private const string XxFinish =
        "02030000222222220000000000000000daf425c0deb53f50c9769f317737aa0eb8636df6f7523288d4eab2ed248764831910e5d94129bb5bfee691a6f63a97a9e634d90c332644b6f3f28f957e37880b";
    private const string XxFirstData = "0207000022222222000000000000000053b4406f8a15651609ed3184280bb6ea691fe410";

    [Fact]
    public void Ik_messages_are_fixed()
    {
        using var alice = Alice();
        using var bob = Bob();
        var run = RunHandshake(Settings(alice, ephemeralByte: 0x0e), Settings(bob, ephemeralByte: 0x0f), pin: true);
        Assert.Equal(IkInit, Convert.ToHexStringLower(run.Messages[0]));
        Assert.Equal(IkResponse, Convert.ToHexStringLower(run.Messages[1]));
        Assert.Equal(IkFirstData, FirstData(run));
    }

    [Fact]
    public void Xx_messages_are_fixed()
    {
        using var alice = Alice();
        using var bob = Bob();
        var run = RunHandshake(Settings(alice, ephemeralByte: 0x0e), Settings(bob, ephemeralByte: 0x0f), pin: false);
        Assert.Equal(XxInit, Convert.ToHexStringLower(run.Messages[0]));
        Assert.Equal(XxResponse, Convert.ToHexStringLower(run.Messages[1]));
        Assert.Equal(XxFinish, Convert.ToHexStringLower(run.Messages[2]));
        Assert.Equal(XxFirstData, FirstData(run));
    }

    /// <summary>The initiator's first transport frame: Data carrying ASCII "mesh".</summary>
    private static string FirstData(Run run)
    {
        using var sender = run.InitiatorResult.Session!;
        using var receiver = run.ResponderResult.Session!;
        var frame = new byte[4 + FrameLayout.TransportOverhead];
        "mesh"u8.CopyTo(frame.AsSpan(FrameLayout.HeaderSize));
        Assert.Equal(SealStatus.Sealed, sender.Seal(frame, FrameType.Data, 4, out _));
        var hex = Convert.ToHexStringLower(frame);
        Assert.Equal(OpenError.None, receiver.TryOpen(frame, out _));
        return hex;
    }
}
