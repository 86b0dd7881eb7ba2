using MeshActors.Crypto.EndToEnd;
using MeshActors.Protocol.Data;

namespace MeshActors.Crypto.Tests.EndToEnd;

public sealed class EndToEndTests : IDisposable
{
    private static readonly byte[] Destination = Convert.FromHexString("fd6d1111111111110000000000000002");

    private readonly NodeIdentity _alice = NodeIdentity.Generate();
    private readonly NodeIdentity _bob = NodeIdentity.Generate();
    private long _wallClock = 1_700_000_000_000;

    public void Dispose()
    {
        _alice.Dispose();
        _bob.Dispose();
    }

    [Fact]
    public void Sealed_payload_opens_in_place_at_the_destination()
    {
        var (sender, receiver) = (Cache(_alice), Cache(_bob));
        var inner = Inner(300, fill: 0x5a);
        var payload = Seal(sender, _bob.Public, inner, hopLimit: 9);

        Assert.Equal(DataHeader.Size + inner.Length + InnerLayout.TagSize, payload.Length);
        Assert.Equal(_alice.Public.Bytes.ToArray(), DataHeader.SourceIdentity(payload).ToArray());
        Assert.Equal(Destination, DataHeader.Destination(payload).ToArray());
        Assert.NotEqual(inner, payload.AsSpan(DataHeader.Size, inner.Length).ToArray());

        var status = receiver.Open(payload, out var innerLength, out var source);

        Assert.Equal(EndToEndStatus.Opened, status);
        Assert.Equal(inner, payload.AsSpan(DataHeader.Size, innerLength).ToArray());
        Assert.Equal(_alice.Public, source!.Peer);
        Assert.Equal(1, receiver.Counters.Opens[EndToEndStatus.Opened]);
        Assert.Equal(1, sender.Counters.Events[EndToEndEvent.Sealed]);
    }

    [Fact]
    public void A_replayed_payload_is_refused()
    {
        var (sender, receiver) = (Cache(_alice), Cache(_bob));
        var payload = Seal(sender, _bob.Public, Inner(40));
        var copy = payload.ToArray();

        Assert.Equal(EndToEndStatus.Opened, receiver.Open(payload, out _, out _));
        Assert.Equal(EndToEndStatus.Replay, receiver.Open(copy, out _, out _));
    }

    [Fact]
    public void Relays_may_change_the_hop_limit_but_nothing_else()
    {
        var (sender, receiver) = (Cache(_alice), Cache(_bob));
        var hop = Seal(sender, _bob.Public, Inner(40));
        var redirected = Seal(sender, _bob.Public, Inner(40));
        var flipped = Seal(sender, _bob.Public, Inner(40));
        hop[DataHeader.HopLimitOffset] = 1;
        redirected[DataHeader.DestinationOffset + 15] ^= 1;
        flipped[DataHeader.Size + 3] ^= 0x80;

        Assert.Equal(EndToEndStatus.Opened, receiver.Open(hop, out _, out _));
        Assert.Equal(EndToEndStatus.DecryptFailed, receiver.Open(redirected, out _, out _));
        Assert.Equal(EndToEndStatus.DecryptFailed, receiver.Open(flipped, out _, out _));
    }

    [Fact]
    public void A_third_node_cannot_open_and_gains_no_cached_session()
    {
        using var carol = NodeIdentity.Generate();
        var sender = Cache(_alice);
        var eavesdropper = Cache(carol);
        var payload = Seal(sender, _bob.Public, Inner(40));

        Assert.Equal(EndToEndStatus.DecryptFailed, eavesdropper.Open(payload, out _, out _));
        Assert.Equal(0, eavesdropper.Count);
    }

    [Fact]
    public void Directions_use_different_keys()
    {
        var (alice, bob) = (Cache(_alice), Cache(_bob));
        var inner = Inner(64);
        var toBob = Seal(alice, _bob.Public, inner);
        var toAlice = Seal(bob, _alice.Public, inner);

        Assert.NotEqual(
            toBob.AsSpan(DataHeader.Size, inner.Length).ToArray(),
            toAlice.AsSpan(DataHeader.Size, inner.Length).ToArray());
    }

    [Fact]
    public void A_restarted_sender_gets_a_newer_epoch_and_old_epochs_are_then_stale()
    {
        var receiver = Cache(_bob);
        var beforeRestart = Cache(_alice);
        var old = Seal(beforeRestart, _bob.Public, Inner(40));
        var oldLater = Seal(beforeRestart, _bob.Public, Inner(40));
        Assert.Equal(EndToEndStatus.Opened, receiver.Open(old, out _, out _));

        _wallClock += 10;
        var afterRestart = Cache(_alice);
        var fresh = Seal(afterRestart, _bob.Public, Inner(40));

        Assert.Equal(0UL, DataHeader.Counter(fresh));
        Assert.True(DataHeader.Epoch(fresh) > DataHeader.Epoch(old));
        Assert.Equal(EndToEndStatus.Opened, receiver.Open(fresh, out _, out _));
        Assert.Equal(EndToEndStatus.StaleEpoch, receiver.Open(oldLater, out _, out _));
    }

    [Fact]
    public void An_invalid_source_identity_is_refused()
    {
        var receiver = Cache(_bob);
        var payload = Seal(Cache(_alice), _bob.Public, Inner(40));
        payload.AsSpan(DataHeader.SourceOffset, DataHeader.SourceSize).Fill(0xff);

        Assert.Equal(EndToEndStatus.BadIdentity, receiver.Open(payload, out _, out _));
    }

    [Fact]
    public void Both_sides_switch_to_aes_once_each_has_heard_the_other_offer_it()
    {
        // Needs AES hardware (PLATFORM.md: present on our machines); elsewhere the ChaCha-only test below covers the path.
        Assert.True(NSec.Cryptography.Aes256Gcm.IsSupported, "this test needs AES hardware");
        var (alice, bob) = (Cache(_alice), Cache(_bob));

        var first = Seal(alice, _bob.Public, Inner(40));
        Assert.Equal(DataFlags.OpensAes, DataHeader.Flags(first));
        Assert.Equal(EndToEndStatus.Opened, bob.Open(first, out _, out _));

        var reply = Seal(bob, _alice.Public, Inner(40));
        Assert.Equal(DataFlags.OpensAes | DataFlags.SealedWithAes, DataHeader.Flags(reply));
        Assert.Equal(EndToEndStatus.Opened, alice.Open(reply, out _, out _));

        var inner = Inner(300, fill: 7);
        var next = Seal(alice, _bob.Public, inner);
        Assert.True((DataHeader.Flags(next) & DataFlags.SealedWithAes) != 0);
        Assert.Equal(EndToEndStatus.Opened, bob.Open(next, out var length, out _));
        Assert.Equal(inner, next.AsSpan(DataHeader.Size, length).ToArray());
    }

    [Fact]
    public void A_peer_that_does_not_offer_aes_keeps_getting_chacha()
    {
        var alice = Cache(_alice);
        var bob = new EndToEndSessionCache(_bob, EndToEndLimits.DefaultCapacity, () => _wallClock, offerAes: false);

        var first = Seal(bob, _alice.Public, Inner(40));
        Assert.Equal(DataFlags.None, DataHeader.Flags(first));
        Assert.Equal(EndToEndStatus.Opened, alice.Open(first, out _, out _));

        var reply = Seal(alice, _bob.Public, Inner(40));
        Assert.True((DataHeader.Flags(reply) & DataFlags.SealedWithAes) == 0);
        Assert.Equal(EndToEndStatus.Opened, bob.Open(reply, out _, out _));
    }

    [Fact]
    public void Cipher_flags_are_authenticated()
    {
        var (alice, bob) = (Cache(_alice), Cache(_bob));
        Assert.Equal(EndToEndStatus.Opened, bob.Open(Seal(alice, _bob.Public, Inner(40)), out _, out _));
        var reply = Seal(bob, _alice.Public, Inner(40));
        reply[DataHeader.FlagsOffset] ^= (byte)DataFlags.OpensAes;

        Assert.Equal(EndToEndStatus.DecryptFailed, alice.Open(reply, out _, out _));
    }

    [Fact]
    public void Cache_stays_within_capacity_and_keeps_sessions_in_use()
    {
        var cache = new EndToEndSessionCache(_alice, capacity: 4, () => _wallClock);
        var hot = cache.GetOrCreate(_bob.Public)!;
        var others = Enumerable.Range(0, 12).Select(_ => NodeIdentity.Generate()).ToList();
        try
        {
            foreach (var other in others)
            {
                Seal(cache, _bob.Public, Inner(8)); // keeps the hot session referenced
                cache.GetOrCreate(other.Public);
                Assert.True(cache.Count <= 4);
            }

            Assert.Equal(4, cache.Count);
            Assert.Equal(9, cache.Counters.Events[EndToEndEvent.SessionsEvicted]);
            Assert.Same(hot, cache.GetOrCreate(_bob.Public));
        }
        finally
        {
            others.ForEach(identity => identity.Dispose());
        }
    }

    [Fact]
    public void Seal_and_open_allocate_nothing_per_packet()
    {
        var (sender, receiver) = (Cache(_alice), Cache(_bob));
        var buffer = new byte[DataHeader.Size + 1400 + InnerLayout.TagSize];
        var session = sender.GetOrCreate(_bob.Public)!;
        RoundTrip();
        // One reply teaches the sender that the receiver opens AES (where the hardware has it): measure that path.
        Assert.Equal(EndToEndStatus.Opened, sender.Open(Seal(receiver, _alice.Public, Inner(40)), out _, out _));
        Assert.Equal(NSec.Cryptography.Aes256Gcm.IsSupported, session.SendsAes);
        for (var i = 0; i < 10; i++)
        {
            RoundTrip();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            RoundTrip();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void RoundTrip()
        {
            var length = sender.Seal(session, buffer, 1400, 64, Destination);
            if (receiver.Open(buffer.AsSpan(0, length), out _, out _) != EndToEndStatus.Opened)
            {
                throw new InvalidOperationException("round trip failed");
            }
        }
    }

    private EndToEndSessionCache Cache(NodeIdentity identity) => new(identity, EndToEndLimits.DefaultCapacity, () => _wallClock);

    private static byte[] Inner(int length, byte fill = 1)
    {
        var inner = Enumerable.Repeat(fill, length).ToArray();
        inner[0] = (byte)InnerType.IpPacket;
        return inner;
    }

    private static byte[] Seal(EndToEndSessionCache cache, PublicIdentity peer, byte[] inner, byte hopLimit = 64)
    {
        var payload = new byte[DataHeader.Size + inner.Length + InnerLayout.TagSize];
        inner.CopyTo(payload, DataHeader.Size);
        var length = cache.Seal(cache.GetOrCreate(peer)!, payload, inner.Length, hopLimit, Destination);
        Assert.Equal(payload.Length, length);
        return payload;
    }
}
