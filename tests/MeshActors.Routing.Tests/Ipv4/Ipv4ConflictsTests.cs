using MeshActors.Protocol.Names;
using MeshActors.Routing.Ipv4;

namespace MeshActors.Routing.Tests.Ipv4;

public sealed class Ipv4ConflictsTests
{
    private const uint Address = 0x0a09007c;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    private static readonly byte[] Self = Key(1);
    private static readonly byte[] Other = Key(2);

    [Fact]
    public void A_route_originator_without_a_record_counts_as_configured_only_after_the_grace()
    {
        var unannounced = new UnannouncedOriginators(Grace);

        Assert.Empty(Ipv4Conflicts.Holders(Address, Self, [], [Other], unannounced, nowMs: 0));
        Assert.Empty(Ipv4Conflicts.Holders(Address, Self, [], [Other], unannounced, nowMs: 999));
        var holder = Assert.Single(Ipv4Conflicts.Holders(Address, Self, [], [Other], unannounced, nowMs: 1000));

        Assert.Equal(Other, holder.Key);
        Assert.False(holder.IsAutomatic);
    }

    [Fact]
    public void A_record_arriving_after_the_route_makes_the_holder_automatic_so_the_smaller_key_stays()
    {
        var unannounced = new UnannouncedOriginators(Grace);
        var self = new Ipv4AutoAddress(new Ipv4Network(Protocol.IpPrefix.Parse("10.9.0.0/24")), Self);

        var early = Ipv4Conflicts.Holders(Address, Self, [], [Other], unannounced, nowMs: 0);
        var later = Ipv4Conflicts.Holders(Address, Self, [Record(Other, Address)], [Other], unannounced, nowMs: 5000);

        Assert.Empty(early);
        Assert.True(Assert.Single(later).IsAutomatic);
        Assert.False(self.Resolve(later, _ => false));
    }

    [Fact]
    public void An_originator_that_announced_meanwhile_starts_its_grace_over()
    {
        var unannounced = new UnannouncedOriginators(Grace);

        Ipv4Conflicts.Holders(Address, Self, [], [Other], unannounced, nowMs: 0);
        Ipv4Conflicts.Holders(Address, Self, [Record(Other, Address)], [Other], unannounced, nowMs: 500);

        Assert.Empty(Ipv4Conflicts.Holders(Address, Self, [], [Other], unannounced, nowMs: 1200));
        Assert.Single(Ipv4Conflicts.Holders(Address, Self, [], [Other], unannounced, nowMs: 2200));
    }

    [Fact]
    public void A_stale_route_of_a_node_that_moved_automatically_is_ignored_but_a_configured_one_counts_at_once()
    {
        var unannounced = new UnannouncedOriginators(Grace);

        Assert.Empty(Ipv4Conflicts.Holders(Address, Self, [Record(Other, Address + 1)], [Other], unannounced, nowMs: 0));
        var configured = Record(Other, Address + 1) with { Flags = 0 };
        Assert.False(Assert.Single(Ipv4Conflicts.Holders(Address, Self, [configured], [Other], unannounced, nowMs: 0)).IsAutomatic);
    }

    private static NameRecord Record(byte[] key, uint ipv4) =>
        new(key, "", 1, 0, 300, NameRecordFlags.Ipv4Auto, ipv4, new byte[64]);

    private static byte[] Key(byte first)
    {
        var key = new byte[32];
        key[0] = first;
        return key;
    }
}
