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
        "0201010000000000000000111111115855784cb3c8c796d84ac93e8f4a53dab0bb31e80960042cfa87f03a4293b308ebfe134bf017c9885d89d9269e48dac057af4aa000f7eddc24e89af85673aee9dac6a3e5dc5c4cf2a06dfc70f2b4bcf1abc5762533c0f78de96d066150a2c9b652c7812ede5684d4e6bca6a5";
    private const string IkResponse =
        "0202011111111100000000222222227e81e916e3afcdb31ef74d8db923f2ba15b82a1aa6594ea228dcdf27d7b54f6cd9b3151f742f2372c9272c452c3e84f44d817fdf";
    private const string IkFirstData = "0207002222222200000000135764e85fdb32e03c042478944ded8aeaec346a";
    private const string XxInit =
        "0201000000000000000000111111115855784cb3c8c796d84ac93e8f4a53dab0bb31e80960042cfa87f03a4293b308aa21bc83c83ce18e2bb11403cc67f166bb61498266ed712f67c11ef7";
    private const string XxResponse =
        "0202001111111100000000222222227e81e916e3afcdb31ef74d8db923f2ba15b82a1aa6594ea228dcdf27d7b54f6c547e391cc358996a4490acc7ee53a16e33d7db81a170a3beb0392d44c6b22347aa1b282e3f10e07ab18e34789136f2b610ff50e8c20bf30e0d24fa5a6ae273575a628e45";
    private const string XxFinish =
        "0203002222222200000000daf425c0deb53f50c9769f317737aa0eb8636df6f7523288d4eab2ed2487648329a787c841c5ca836f9aa96440c77c9dcf2bb54915fcf2ad097ecbd807ba8db1";
    private const string XxFirstData = "020700222222220000000053b4406f5c546308731572402dd25a66267fcc05";

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
