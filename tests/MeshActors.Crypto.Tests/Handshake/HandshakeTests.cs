using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.Protocol.Frames;
using static MeshActors.Crypto.Tests.Handshake.HandshakeFixture;

namespace MeshActors.Crypto.Tests.Handshake;

public class HandshakeTests
{
    private static readonly byte[] NetworkKey = Filled(0x42);
    private static readonly byte[] OtherNetworkKey = Filled(0x43);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Both_patterns_establish_matching_sessions(bool pin)
    {
        using var alice = Alice();
        using var bob = Bob();
        var run = RunHandshake(Settings(alice), Settings(bob), pin);

        Assert.Equal(HandshakeStatus.Established, run.InitiatorResult.Status);
        Assert.Equal(HandshakeStatus.Established, run.ResponderResult.Status);
        Assert.Equal(pin ? 2 : 3, run.Messages.Count);
        using var a = run.InitiatorResult.Session!;
        using var b = run.ResponderResult.Session!;
        Assert.Equal(bob.Public, a.Peer);
        Assert.Equal(alice.Public, b.Peer);
        Assert.Equal((InitiatorIndex, ResponderIndex), (a.LocalIndex, a.RemoteIndex));
        Assert.Equal((ResponderIndex, InitiatorIndex), (b.LocalIndex, b.RemoteIndex));
        Assert.True(a.IsInitiator);
        Assert.False(b.IsInitiator);
        Assert.True(RoundTrip(a, b, [1, 2, 3]));
        Assert.True(RoundTrip(b, a, [4, 5, 6]));
    }

    [Fact]
    public void Ik_responder_keeps_no_state_and_xx_responder_keeps_one_until_finish()
    {
        using var alice = Alice();
        using var bob = Bob();
        using var responder = new HandshakeResponder(Settings(bob));
        var ik = RunHandshake(Settings(alice), Settings(bob), pin: true, responderMachine: responder);
        Assert.Equal(HandshakeStatus.Established, ik.ResponderResult.Status);
        Assert.Equal(0, responder.HalfOpenCount);

        using var initiator = new HandshakeInitiator(Settings(alice), null, InitiatorIndex);
        var init = new byte[initiator.InitiationSize];
        initiator.WriteInitiation((ulong)Now + 1, init);
        var reply = new byte[HandshakeLayout.XxResponseSize];
        Assert.Equal(HandshakeStatus.Reply, responder.Receive(init, ResponderIndex, Now, reply).Status);
        Assert.Equal(1, responder.HalfOpenCount);
        responder.Forget(ResponderIndex);
        Assert.Equal(0, responder.HalfOpenCount);
    }

    [Fact]
    public void Ik_to_the_wrong_responder_fails_authentication()
    {
        using var alice = Alice();
        using var bob = Bob();
        using var carol = NodeIdentity.FromSeed(Filled(0xc0));
        using var initiator = new HandshakeInitiator(Settings(alice), carol.Public, InitiatorIndex);
        var init = new byte[initiator.InitiationSize];
        initiator.WriteInitiation(1, init);
        using var responder = new HandshakeResponder(Settings(bob));
        var result = responder.Receive(init, ResponderIndex, Now, new byte[HandshakeLayout.XxResponseSize]);
        Assert.Equal(HandshakeError.AuthenticationFailed, result.Error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Network_key_admits_holders_and_refuses_others(bool pin)
    {
        using var alice = Alice();
        using var bob = Bob();
        var bobSettings = Settings(bob, AdmissionPolicy.NetworkKey(NetworkKey));

        var ok = RunHandshake(Settings(alice, AdmissionPolicy.NetworkKey(NetworkKey)), bobSettings, pin);
        Assert.Equal(HandshakeStatus.Established, ok.ResponderResult.Status);
        ok.InitiatorResult.Session!.Dispose();
        ok.ResponderResult.Session!.Dispose();

        var wrongKey = RunHandshake(Settings(alice, AdmissionPolicy.NetworkKey(OtherNetworkKey)), bobSettings, pin);
        Assert.Equal(HandshakeError.AuthenticationFailed, wrongKey.ResponderResult.Error);
        Assert.Single(wrongKey.Messages);

        var noKey = RunHandshake(Settings(alice), bobSettings, pin);
        Assert.Equal(HandshakeError.NetworkKeyRequired, noKey.ResponderResult.Error);

        var unknownKey = RunHandshake(Settings(alice, AdmissionPolicy.NetworkKey(NetworkKey)), Settings(bob), pin);
        Assert.Equal(HandshakeError.NetworkKeyUnknown, unknownKey.ResponderResult.Error);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Allow_list_refuses_unlisted_peers_after_authenticating_them(bool pin)
    {
        using var alice = Alice();
        using var bob = Bob();
        using var carol = NodeIdentity.FromSeed(Filled(0xc0));
        var bobSettings = Settings(bob, AdmissionPolicy.AllowList([alice.Public]));

        var listed = RunHandshake(Settings(alice), bobSettings, pin);
        Assert.Equal(HandshakeStatus.Established, listed.ResponderResult.Status);
        listed.InitiatorResult.Session?.Dispose();
        listed.ResponderResult.Session!.Dispose();

        var unlisted = RunHandshake(Settings(carol), bobSettings, pin);
        Assert.Equal(HandshakeError.NotAdmitted, unlisted.ResponderResult.Error);
    }

    [Fact]
    public void Xx_initiator_applies_its_policy_to_the_responder()
    {
        using var alice = Alice();
        using var bob = Bob();
        using var carol = NodeIdentity.FromSeed(Filled(0xc0));
        var run = RunHandshake(Settings(alice, AdmissionPolicy.AllowList([carol.Public])), Settings(bob), pin: false);
        Assert.Equal(HandshakeError.NotAdmitted, run.InitiatorResult.Error);
    }

    [Fact]
    public void Combined_policies_follow_and_or_semantics()
    {
        using var alice = Alice();
        using var bob = Bob();
        using var carol = NodeIdentity.FromSeed(Filled(0xc0));
        var and = AdmissionPolicy.AllowListAndNetworkKey([alice.Public], NetworkKey);
        var or = AdmissionPolicy.AllowListOrNetworkKey([alice.Public], NetworkKey);
        var withKey = AdmissionPolicy.NetworkKey(NetworkKey);

        Assert.Equal(HandshakeStatus.Established, RunHandshake(Settings(alice, withKey), Settings(bob, and), true).ResponderResult.Status);
        Assert.Equal(HandshakeError.NotAdmitted, RunHandshake(Settings(carol, withKey), Settings(bob, and), true).ResponderResult.Error);
        Assert.Equal(HandshakeError.NetworkKeyRequired, RunHandshake(Settings(alice), Settings(bob, and), true).ResponderResult.Error);

        Assert.Equal(HandshakeStatus.Established, RunHandshake(Settings(alice), Settings(bob, or), true).ResponderResult.Status);
        Assert.Equal(HandshakeStatus.Established, RunHandshake(Settings(carol, withKey), Settings(bob, or), true).ResponderResult.Status);
        Assert.Equal(HandshakeError.NotAdmitted, RunHandshake(Settings(carol), Settings(bob, or), true).ResponderResult.Error);
    }

    [Fact]
    public void Policy_decisions_match_the_documented_table()
    {
        using var alice = Alice();
        using var carol = NodeIdentity.FromSeed(Filled(0xc0));
        var list = new[] { alice.Public };
        Assert.True(AdmissionPolicy.Open.Admits(carol.Public, false));
        Assert.False(AdmissionPolicy.AllowList(list).Admits(carol.Public, false));
        Assert.True(AdmissionPolicy.NetworkKey(NetworkKey).Admits(carol.Public, true));
        Assert.False(AdmissionPolicy.NetworkKey(NetworkKey).Admits(carol.Public, false));
        Assert.False(AdmissionPolicy.AllowListAndNetworkKey(list, NetworkKey).Admits(alice.Public, false));
        Assert.True(AdmissionPolicy.AllowListAndNetworkKey(list, NetworkKey).Admits(alice.Public, true));
        Assert.True(AdmissionPolicy.AllowListOrNetworkKey(list, NetworkKey).Admits(alice.Public, false));
        Assert.False(AdmissionPolicy.AllowListOrNetworkKey(list, NetworkKey).Admits(carol.Public, false));
        Assert.Throws<ArgumentException>(() => AdmissionPolicy.NetworkKey(new byte[32]));
        Assert.Throws<ArgumentException>(() => AdmissionPolicy.NetworkKey(new byte[16]));
        Assert.DoesNotContain("42", AdmissionPolicy.NetworkKey(NetworkKey).ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Replayed_initiation_is_refused_by_its_timestamp(bool pin)
    {
        using var alice = Alice();
        using var bob = Bob();
        using var responder = new HandshakeResponder(Settings(bob));
        var first = RunHandshake(Settings(alice), Settings(bob), pin, timestamp: 1000, responderMachine: responder);
        Assert.Equal(HandshakeStatus.Established, first.ResponderResult.Status);

        var replay = new byte[HandshakeLayout.XxResponseSize];
        var replayed = responder.Receive(first.Messages[0], ResponderIndex + 1, Now, replay);
        if (pin)
        {
            Assert.Equal(HandshakeError.Replayed, replayed.Error);
        }
        else
        {
            // XX learns the identity only at the finish; a replayed XX initiation costs one half-open slot and
            // can never be finished by someone without the initiator's ephemeral key.
            Assert.Equal(HandshakeStatus.Reply, replayed.Status);
            Assert.Equal(HandshakeError.UnknownHandshake, responder.Receive(first.Messages[2], 0, Now, replay).Error);
        }

        var older = RunHandshake(Settings(alice), Settings(bob), pin, timestamp: 999, responderMachine: responder);
        Assert.Equal(HandshakeError.Replayed, older.ResponderResult.Error);
        var newer = RunHandshake(Settings(alice), Settings(bob), pin, timestamp: 1001, responderMachine: responder);
        Assert.Equal(HandshakeStatus.Established, newer.ResponderResult.Status);
    }

    [Fact]
    public void Half_open_handshakes_are_capped_and_the_oldest_is_evicted()
    {
        using var alice = Alice();
        using var bob = Bob();
        using var responder = new HandshakeResponder(Settings(bob), maxHalfOpen: 3);
        var initiators = new List<(HandshakeInitiator Machine, byte[] Response)>();
        for (uint i = 0; i < 5; i++)
        {
            var machine = new HandshakeInitiator(Settings(alice), null, 100 + i);
            var init = new byte[machine.InitiationSize];
            machine.WriteInitiation(10 + i, init);
            var reply = new byte[HandshakeLayout.XxResponseSize];
            Assert.Equal(HandshakeStatus.Reply, responder.Receive(init, 200 + i, Now, reply).Status);
            initiators.Add((machine, reply));
        }

        Assert.Equal(3, responder.HalfOpenCount);
        Assert.Equal(2, responder.HalfOpenEvictions);

        var outcomes = initiators.Select(pair =>
        {
            var finish = new byte[HandshakeLayout.XxFinishSize];
            var mine = pair.Machine.Receive(pair.Response, Now, finish);
            Assert.Equal(HandshakeStatus.Established, mine.Status);
            mine.Session!.Dispose();
            pair.Machine.Dispose();
            var theirs = responder.Receive(finish, 0, Now, new byte[HandshakeLayout.XxResponseSize]);
            theirs.Session?.Dispose();
            return theirs.Error;
        }).ToList();

        // Evicted: the two oldest. The third finish has the oldest timestamp of the survivors, all newer ones pass.
        Assert.Equal([HandshakeError.UnknownHandshake, HandshakeError.UnknownHandshake, HandshakeError.None, HandshakeError.None, HandshakeError.None], outcomes);
    }

    [Fact]
    public void Aes_gcm_is_used_only_when_both_sides_offer_it()
    {
        if (!NSec.Cryptography.Aes256Gcm.IsSupported)
        {
            return;
        }

        using var alice = Alice();
        using var bob = Bob();
        var aes = LinkCapabilities.Aes256Gcm;
        var both = RunHandshake(Settings(alice) with { Capabilities = aes }, Settings(bob) with { Capabilities = aes }, true);
        Assert.Equal(LinkCipher.Aes256Gcm, both.InitiatorResult.Session!.Cipher);
        Assert.Equal(LinkCipher.Aes256Gcm, both.ResponderResult.Session!.Cipher);
        Assert.True(RoundTrip(both.InitiatorResult.Session, both.ResponderResult.Session, [9, 9]));

        var one = RunHandshake(Settings(alice) with { Capabilities = aes }, Settings(bob), false);
        Assert.Equal(LinkCipher.ChaCha20Poly1305, one.InitiatorResult.Session!.Cipher);
        Assert.Equal(LinkCipher.ChaCha20Poly1305, one.ResponderResult.Session!.Cipher);
        Assert.True(RoundTrip(one.InitiatorResult.Session, one.ResponderResult.Session, [9, 9]));
    }

    [Fact]
    public void Tampering_with_any_byte_of_a_response_is_refused()
    {
        using var alice = Alice();
        using var bob = Bob();
        var run = RunHandshake(Settings(alice, ephemeralByte: 0x0e), Settings(bob, ephemeralByte: 0x0f), pin: true);
        var response = run.Messages[1];
        for (var i = 0; i < response.Length; i++)
        {
            var tampered = (byte[])response.Clone();
            tampered[i] ^= 0x01;
            using var initiator = new HandshakeInitiator(Settings(alice, ephemeralByte: 0x0e), bob.Public, InitiatorIndex);
            initiator.WriteInitiation((ulong)Now, new byte[initiator.InitiationSize]);
            var result = initiator.Receive(tampered, Now, []);
            Assert.Equal(HandshakeStatus.Rejected, result.Status);
        }
    }
}
