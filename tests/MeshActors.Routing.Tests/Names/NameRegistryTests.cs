using MeshActors.Crypto;
using MeshActors.Crypto.Names;
using MeshActors.Protocol.Names;
using MeshActors.Routing.Names;

namespace MeshActors.Routing.Tests.Names;

public sealed class NameRegistryTests : IDisposable
{
    private const long T0 = 1_700_000_000_000;
    private readonly NodeIdentity _first = NodeIdentity.Generate();
    private readonly NodeIdentity _second = NodeIdentity.Generate();
    private readonly NameRegistry _registry = new(NameRecordSigner.Verify, NameRegistrySettings.Default, T0);

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public void First_claim_owns_the_name_and_a_later_claim_is_refused()
    {
        Assert.Equal(NameOutcome.Accepted, _registry.Offer(Record(_second, "a", issued: T0 + 20, claimed: T0 + 20), T0 + 30));
        Assert.Equal(NameOutcome.Accepted, _registry.Offer(Record(_first, "a", issued: T0 + 25, claimed: T0 + 10), T0 + 30));

        var owner = _registry.OwnerOf("a")!;
        Assert.Equal(_first.Public.Bytes.ToArray(), owner.Record.Key);
        Assert.True(owner.IsOwner);
        Assert.False(_registry.ClaimOf(_second.Public.Bytes)!.IsOwner);
    }

    [Fact]
    public void Only_the_owners_key_releases_or_moves_the_name()
    {
        _registry.Offer(Record(_first, "a", issued: T0 + 1, claimed: T0), T0 + 5);
        _registry.Offer(Record(_second, "a", issued: T0 + 2, claimed: T0 + 2), T0 + 5);

        // A record of the second key cannot take the name, whatever it says about itself.
        _registry.Offer(Record(_second, "a", issued: T0 + 3, claimed: T0 + 2), T0 + 5);
        Assert.Equal(_first.Public.Bytes.ToArray(), _registry.OwnerOf("a")!.Record.Key);

        // The owner moves to another name: "a" passes to the next claimant.
        Assert.Equal(NameOutcome.Accepted, _registry.Offer(Record(_first, "b", issued: T0 + 4, claimed: T0 + 4), T0 + 5));
        Assert.Equal(_second.Public.Bytes.ToArray(), _registry.OwnerOf("a")!.Record.Key);
        Assert.Equal(_first.Public.Bytes.ToArray(), _registry.OwnerOf("b")!.Record.Key);

        // The owner of "b" releases it.
        _registry.Offer(Record(_first, "", issued: T0 + 6, claimed: 0), T0 + 7);
        Assert.Null(_registry.OwnerOf("b"));
    }

    [Fact]
    public void A_restarted_owner_keeps_its_place_in_line()
    {
        _registry.Offer(Record(_first, "a", issued: T0 + 1, claimed: T0 + 1), T0 + 5);
        _registry.Offer(Record(_second, "a", issued: T0 + 2, claimed: T0 + 2), T0 + 5);
        _registry.Offer(Record(_first, "a", issued: T0 + 9, claimed: T0 + 9), T0 + 10);

        Assert.Equal(_first.Public.Bytes.ToArray(), _registry.OwnerOf("a")!.Record.Key);
    }

    [Fact]
    public void Forged_and_replayed_records_are_dropped_and_counted()
    {
        var genuine = Record(_first, "a", issued: T0 + 1, claimed: T0 + 1);
        var forged = genuine with { Name = "b" };
        var stolen = Record(_second, "a", issued: T0 + 2, claimed: T0 + 2) with { Key = _first.Public.Bytes.ToArray() };
        Assert.Equal(NameOutcome.Forged, _registry.Offer(forged, T0 + 5));
        Assert.Equal(NameOutcome.Forged, _registry.Offer(stolen, T0 + 5));
        Assert.Equal(NameOutcome.Accepted, _registry.Offer(genuine, T0 + 5));
        Assert.Equal(NameOutcome.Duplicate, _registry.Offer(genuine, T0 + 6));

        var newer = Record(_first, "a", issued: T0 + 10, claimed: T0 + 1);
        Assert.Equal(NameOutcome.Accepted, _registry.Offer(newer, T0 + 11));
        var older = Record(_first, "c", issued: T0 + 3, claimed: T0 + 3);
        Assert.Equal(NameOutcome.Replayed, _registry.Offer(older, T0 + 12));
        Assert.Equal("a", _registry.ClaimOf(_first.Public.Bytes)!.Record.Name);

        Assert.Equal(2, _registry.Counts[NameOutcome.Forged]);
        Assert.Equal(1, _registry.Counts[NameOutcome.Replayed]);
        Assert.Equal(1, _registry.Counts[NameOutcome.Duplicate]);
    }

    [Fact]
    public void Records_age_out_and_expired_or_future_records_are_refused()
    {
        _registry.Offer(Record(_first, "a", issued: T0, claimed: T0, lifetime: 10), T0 + 1);
        Assert.Empty(_registry.Expire(T0 + 9_999));
        Assert.Single(_registry.Expire(T0 + 10_000));
        Assert.Null(_registry.OwnerOf("a"));

        Assert.Equal(NameOutcome.Expired, _registry.Offer(Record(_second, "a", issued: T0, claimed: T0, lifetime: 10), T0 + 10_000));
        Assert.Equal(NameOutcome.FromFuture, _registry.Offer(Record(_second, "a", issued: T0 + 120_000, claimed: T0, lifetime: 10), T0));
    }

    [Fact]
    public void A_full_table_refuses_new_keys_but_takes_newer_records_of_known_ones()
    {
        var small = new NameRegistry(NameRecordSigner.Verify, NameRegistrySettings.Default with { MaxRecords = 1 }, T0);
        Assert.Equal(NameOutcome.Accepted, small.Offer(Record(_first, "a", issued: T0 + 1, claimed: T0 + 1), T0 + 2));
        Assert.Equal(NameOutcome.TableFull, small.Offer(Record(_second, "b", issued: T0 + 1, claimed: T0 + 1), T0 + 2));
        Assert.Equal(NameOutcome.Accepted, small.Offer(Record(_first, "c", issued: T0 + 3, claimed: T0 + 3), T0 + 4));
    }

    private static NameRecord Record(NodeIdentity identity, string name, long issued, long claimed, uint lifetime = 300) =>
        NameRecordSigner.Sign(identity, name, issued, claimed, lifetime, NameRecordFlags.None, 0);
}
