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
        "01010100000000000000000000000000111111115855784cb3c8c796d84ac93e8f4a53dab0bb31e80960042cfa87f03a4293b308ebfe134bf017c9885d89d9269e48dac057af4aa000f7eddc24e89af85673aee9488a71430f121e0d7eaebfd501009097abc5762533c0f78de96d06612e1c857dc02a5e1f615635a18c4d87f3";
    private const string IkResponse =
        "01020100111111110000000000000000222222227e81e916e3afcdb31ef74d8db923f2ba15b82a1aa6594ea228dcdf27d7b54f6cd9b3151fa10704f7721e5e3686b49334ca405f81";
    private const string IkFirstData = "01070000222222220000000000000000135764e813856b4778c9dae4db30669198f454d8";
    private const string XxInit =
        "01010000000000000000000000000000111111115855784cb3c8c796d84ac93e8f4a53dab0bb31e80960042cfa87f03a4293b308aa21bc83c83ce18e2bb11403c173070895040de5f8898d4820727c60";
    private const string XxResponse =
        "01020000111111110000000000000000222222227e81e916e3afcdb31ef74d8db923f2ba15b82a1aa6594ea228dcdf27d7b54f6c547e391cc358996a4490acc7ee53a16e33d7db81a170a3beb0392d44c6b223471a08d0c6ba1c7a7f626e95105b80723510ff50e8a46a07fbb5362704f7af3bca570290f2";
    private const string XxFinish =
        "01030000222222220000000000000000daf425c0deb53f50c9769f317737aa0eb8636df6f7523288d4eab2ed248764838f9082d7f045f63153b781cd6b49afd398885187652712efc81c2b6443d58d99";
    private const string XxFirstData = "0107000022222222000000000000000053b4406f0a4ca611a0c57faac92a454046f1b788";

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
