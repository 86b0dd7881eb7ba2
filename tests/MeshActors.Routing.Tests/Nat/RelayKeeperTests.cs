using System.Net;
using MeshActors.Routing.Names;
using MeshActors.Routing.Nat;

namespace MeshActors.Routing.Tests.Nat;

public sealed class RelayKeeperTests
{
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(60);

    private static readonly RelayCandidate R1 = Relay(1);
    private static readonly RelayCandidate R2 = Relay(2);

    [Fact]
    public void A_node_behind_nat_with_no_relay_linked_dials_one_and_waits_for_it()
    {
        var keeper = new RelayKeeper(GiveUp, CoolDown);

        var first = keeper.Next(behindNat: true, [R2, R1], Linked(), 0);
        var meanwhile = keeper.Next(behindNat: true, [R2, R1], Linked(), 5_000);

        Assert.Equal([new RelayStep(true, R1)], first);
        Assert.Empty(meanwhile);
        Assert.Equal([R1], keeper.Dialled);
    }

    [Fact]
    public void A_public_node_or_one_already_linked_to_a_relay_dials_none()
    {
        var keeper = new RelayKeeper(GiveUp, CoolDown);

        Assert.Empty(keeper.Next(behindNat: false, [R1, R2], Linked(), 0));
        Assert.Empty(keeper.Next(behindNat: true, [R1, R2], Linked(R2), 0));
        Assert.Empty(keeper.Next(behindNat: true, [], Linked(), 0));
    }

    [Fact]
    public void A_relay_not_linked_within_the_give_up_time_is_dropped_and_the_next_one_dialled()
    {
        var keeper = new RelayKeeper(GiveUp, CoolDown);
        keeper.Next(true, [R1, R2], Linked(), 0);

        var steps = keeper.Next(true, [R1, R2], Linked(), 15_000);

        Assert.Equal([new RelayStep(false, R1), new RelayStep(true, R2)], steps);
    }

    [Fact]
    public void A_linked_relay_is_kept_and_given_up_only_after_it_stayed_lost_for_the_give_up_time()
    {
        var keeper = new RelayKeeper(GiveUp, CoolDown);
        keeper.Next(true, [R1, R2], Linked(), 0);
        Assert.Empty(keeper.Next(true, [R1, R2], Linked(R1), 10_000));
        Assert.Empty(keeper.Next(true, [R1, R2], Linked(R1), 100_000));

        Assert.Empty(keeper.Next(true, [R1, R2], Linked(), 110_000));
        var steps = keeper.Next(true, [R1, R2], Linked(), 115_000);

        Assert.Equal([new RelayStep(false, R1), new RelayStep(true, R2)], steps);
    }

    [Fact]
    public void A_given_up_relay_is_tried_again_only_after_the_cool_down()
    {
        var keeper = new RelayKeeper(GiveUp, CoolDown);
        keeper.Next(true, [R1], Linked(), 0);
        Assert.Equal([new RelayStep(false, R1)], keeper.Next(true, [R1], Linked(), 15_000));

        Assert.Empty(keeper.Next(true, [R1], Linked(), 60_000));
        Assert.Equal([new RelayStep(true, R1)], keeper.Next(true, [R1], Linked(), 75_000));
    }

    [Fact]
    public void A_configured_relay_whose_link_just_went_is_not_the_one_dialled_next()
    {
        var keeper = new RelayKeeper(GiveUp, CoolDown);
        Assert.Empty(keeper.Next(true, [R1, R2], Linked(R1), 0));

        Assert.Equal([new RelayStep(true, R2)], keeper.Next(true, [R1, R2], Linked(), 2_000));
    }

    private static RelayCandidate Relay(byte first)
    {
        var key = new byte[32];
        key[0] = first;
        return new RelayCandidate(new KeyBytes(key), new IPEndPoint(IPAddress.Parse($"10.9.0.{first}"), 9651));
    }

    private static HashSet<KeyBytes> Linked(params RelayCandidate[] relays) => [.. relays.Select(relay => relay.Key)];
}
