using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.Protocol.Frames;
using NSec.Cryptography;

namespace MeshActors.Crypto.Tests.Handshake;

/// <summary>Ephemeral keys from fixed 32-byte scalars, in order, so handshake bytes are reproducible.</summary>
internal sealed class FixedEphemeralKeys(params byte[][] scalars) : IEphemeralKeySource
{
    private int _next;

    public Key Create() => Key.Import(
        KeyAgreementAlgorithm.X25519, scalars[_next++ % scalars.Length], KeyBlobFormat.RawPrivateKey);
}

/// <summary>Two fixed identities and the plumbing to run a whole handshake between them.</summary>
internal static class HandshakeFixture
{
    public const long Now = 1_700_000_000_000;
    public const uint InitiatorIndex = 0x11111111;
    public const uint ResponderIndex = 0x22222222;

    public static NodeIdentity Alice() => NodeIdentity.FromSeed(Filled(0xa1));

    public static NodeIdentity Bob() => NodeIdentity.FromSeed(Filled(0xb0));

    public static byte[] Filled(byte value, int length = 32) => Enumerable.Repeat(value, length).ToArray();

    public static HandshakeSettings Settings(NodeIdentity identity, AdmissionPolicy? admission = null, byte ephemeralByte = 0) =>
        new(identity, admission ?? AdmissionPolicy.Open, LinkCapabilities.None,
            ephemeralByte == 0 ? null : new FixedEphemeralKeys(Filled(ephemeralByte)));

    public sealed record Run(
        HandshakeResult InitiatorResult,
        HandshakeResult ResponderResult,
        List<byte[]> Messages);

    /// <summary>Runs IK (pinned) or XX to the end or to the first refusal; returns both sides' last results.</summary>
    public static Run RunHandshake(
        HandshakeSettings initiator, HandshakeSettings responder, bool pin, ulong timestamp = (ulong)Now, HandshakeResponder? responderMachine = null)
    {
        var messages = new List<byte[]>();
        using var machine = new HandshakeInitiator(initiator, pin ? responder.Identity.Public : null, InitiatorIndex);
        var ownsResponder = responderMachine is null;
        var respond = responderMachine ?? new HandshakeResponder(responder);
        try
        {
            var init = new byte[machine.InitiationSize];
            machine.WriteInitiation(timestamp, init);
            messages.Add(init);

            var reply = new byte[HandshakeLayout.XxResponseSize];
            var fromResponder = respond.Receive(init, ResponderIndex, Now, reply);
            if (fromResponder.Status == HandshakeStatus.Rejected)
            {
                return new Run(default, fromResponder, messages);
            }

            messages.Add(reply[..fromResponder.ReplyLength]);
            var finish = new byte[HandshakeLayout.XxFinishSize];
            var fromInitiator = machine.Receive(messages[1], Now, finish);
            if (fromInitiator.Status == HandshakeStatus.Rejected || fromInitiator.ReplyLength == 0)
            {
                return new Run(fromInitiator, fromResponder, messages);
            }

            messages.Add(finish[..fromInitiator.ReplyLength]);
            var last = respond.Receive(messages[2], 0, Now, reply);
            return new Run(fromInitiator, last, messages);
        }
        finally
        {
            if (ownsResponder)
            {
                respond.Dispose();
            }
        }
    }

    /// <summary>Seals a payload through <paramref name="from"/> and opens it through <paramref name="to"/>.</summary>
    public static bool RoundTrip(LinkSession from, LinkSession to, byte[] payload)
    {
        var buffer = new byte[payload.Length + FrameLayout.TransportOverhead];
        payload.CopyTo(buffer, FrameLayout.HeaderSize);
        if (from.Seal(buffer, FrameType.Data, payload.Length, out var length) != SealStatus.Sealed)
        {
            return false;
        }

        return to.TryOpen(buffer.AsSpan(0, length), out var opened) == OpenError.None
            && buffer.AsSpan(OpenedFrame.PayloadOffset, opened.PayloadLength).SequenceEqual(payload);
    }
}
