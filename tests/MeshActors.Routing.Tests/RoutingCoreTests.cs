using MeshActors.Protocol.Routing;
using MeshActors.Routing;
using MeshActors.Testing.Simulation;

namespace MeshActors.Routing.Tests;

public sealed class RoutingCoreTests
{
    private static readonly TimeSpan T0 = CoreFixture.T0;
    private static readonly NeighbourId A = CoreFixture.A;
    private static readonly NeighbourId B = CoreFixture.B;

    [Fact]
    public void Update_adds_link_cost_and_reports_the_selection()
    {
        var fixture = new CoreFixture();
        var actions = fixture.Receive(A, T0, CoreFixture.Update(5, 1, 30));

        var changed = Assert.Single(actions.OfType<SelectedRouteChanged>());
        Assert.Equal(new SelectedRouteChanged(SimulatedIdentity.SubnetOf(5), A, 40), changed);
        Assert.Equal(40, fixture.Selected(5).Metric);
    }

    [Fact]
    public void Change_is_sent_as_one_triggered_batch_after_the_coalescing_delay()
    {
        var fixture = new CoreFixture();
        fixture.Core.Tick(T0 + TimeSpan.FromMilliseconds(100));
        fixture.Receive(A, T0 + TimeSpan.FromSeconds(1), CoreFixture.Update(5, 1, 30), CoreFixture.Update(6, 1, 50));

        Assert.Empty(fixture.BroadcastAt(T0 + TimeSpan.FromMilliseconds(1040)));
        var sent = fixture.BroadcastAt(T0 + TimeSpan.FromMilliseconds(1050));
        Assert.Equal([CoreFixture.Update(5, 1, 40), CoreFixture.Update(6, 1, 60)], sent);
    }

    [Fact]
    public void Hysteresis_keeps_the_current_route_unless_the_other_is_better_by_the_margin()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 1, 100));
        fixture.Receive(B, T0, CoreFixture.Update(5, 1, 90));
        Assert.Equal(A, fixture.Selected(5).NextHop);

        fixture.Receive(B, T0, CoreFixture.Update(5, 1, 80));
        Assert.Equal(B, fixture.Selected(5).NextHop);
    }

    [Fact]
    public void A_route_straight_from_the_originator_replaces_a_relayed_one_within_the_margin()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 1, 10));
        Assert.Equal(A, fixture.Selected(5).NextHop);

        fixture.Receive(B, T0, CoreFixture.Update(5, 1, 0));
        Assert.Equal(B, fixture.Selected(5).NextHop);
        Assert.Equal(10, fixture.Selected(5).Metric);
    }

    [Fact]
    public void Retraction_of_the_selected_route_switches_to_the_feasible_alternative()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 1, 30));
        fixture.Receive(B, T0, CoreFixture.Update(5, 1, 35));
        fixture.Core.Tick(T0 + TimeSpan.FromSeconds(1));

        fixture.Receive(A, T0 + TimeSpan.FromSeconds(2), CoreFixture.Update(5, 1, RouteMetric.Infinity));

        Assert.Equal(B, fixture.Selected(5).NextHop);
    }

    [Fact]
    public void Unfeasible_route_is_not_selected_and_starvation_sends_a_seqno_request()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 1, 30));
        fixture.BroadcastAt(T0 + TimeSpan.FromSeconds(1)); // advertises metric 40: feasibility distance (1, 40)
        fixture.Receive(B, T0 + TimeSpan.FromSeconds(2), CoreFixture.Update(5, 1, 45)); // 45 ≥ 40: unfeasible

        var actions = fixture.Core.NeighbourDown(A, T0 + TimeSpan.FromSeconds(3));

        Assert.False(fixture.HasRoute(5));
        var request = Assert.Single(Assert.Single(actions.OfType<SendSeqnoRequests>()).Requests);
        Assert.Equal(new SeqnoRequest(SimulatedIdentity.SubnetOf(5), SimulatedIdentity.RouterIdOf(5), 2, 64), request);
        Assert.Equal(1, fixture.Core.Counters[RoutingEvent.UnfeasibleUpdates]);

        // The retraction is urgent: it leaves in the same call, ahead of the request.
        Assert.IsType<SendRouteUpdates>(actions[^2]);
        var retraction = Assert.Single(((SendRouteUpdates)actions[^2]).Updates);
        Assert.True(retraction.IsRetraction);

        fixture.Receive(B, T0 + TimeSpan.FromSeconds(5), CoreFixture.Update(5, 2, 45));
        Assert.Equal(B, fixture.Selected(5).NextHop);
    }

    [Fact]
    public void Unanswered_request_is_resent_a_bounded_number_of_times_while_starving()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 1, 30));
        fixture.Core.Tick(T0 + TimeSpan.FromSeconds(1));
        fixture.Core.NeighbourDown(A, T0 + TimeSpan.FromSeconds(2));

        var resends = 0;
        for (var at = T0 + TimeSpan.FromSeconds(2.5); at < T0 + TimeSpan.FromSeconds(30); at += TimeSpan.FromMilliseconds(500))
        {
            resends += fixture.Core.Tick(at).OfType<SendSeqnoRequests>().Sum(send => send.Requests.Count);
        }

        Assert.Equal(RoutingSettings.Default.Timers.SeqnoRequestRetries, resends);
        Assert.Equal(1 + resends, fixture.Core.Counters[RoutingEvent.SeqnoRequestsSent]);
    }

    [Fact]
    public void Restarted_node_resumes_one_past_the_seqno_it_advertised_last()
    {
        var core = new RoutingCore(SimulatedIdentity.RouterIdOf(0), SimulatedIdentity.Ownership, RoutingSettings.Default, T0);
        core.ResumeOwnSeqno(41);
        core.AddLocalPrefix(SimulatedIdentity.SubnetOf(0), T0);
        core.NeighbourUp(A, 10, T0);

        var updates = core.Tick(T0 + TimeSpan.FromSeconds(1)).OfType<SendRouteUpdates>().SelectMany(send => send.Updates);

        Assert.Equal(42, core.OwnSeqno);
        Assert.Contains(new RouteUpdate(SimulatedIdentity.SubnetOf(0), 42, 0, core.Self), updates);
    }

    [Fact]
    public void Originator_bumps_its_seqno_when_asked_for_a_newer_one()
    {
        var fixture = new CoreFixture();
        var own = SimulatedIdentity.SubnetOf(0);
        fixture.Core.Tick(T0 + TimeSpan.FromMilliseconds(100));

        var actions = fixture.Core.ReceiveSeqnoRequests(A, [new SeqnoRequest(own, fixture.Core.Self, 7, 10)], T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(7, fixture.Core.OwnSeqno);
        var send = Assert.Single(actions.OfType<SendRouteUpdates>());
        Assert.Null(send.To);
        Assert.Equal([new RouteUpdate(own, 7, 0, fixture.Core.Self)], send.Updates);
    }

    [Fact]
    public void Request_is_forwarded_toward_the_originator_but_never_back_to_the_asker()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 1, 30));
        var request = new SeqnoRequest(SimulatedIdentity.SubnetOf(5), SimulatedIdentity.RouterIdOf(5), 2, 10);

        var forwarded = Assert.Single(fixture.Core.ReceiveSeqnoRequests(B, [request], T0).OfType<SendSeqnoRequests>());
        Assert.Equal(A, forwarded.To);
        Assert.Equal(request with { HopCount = 9 }, Assert.Single(forwarded.Requests));

        Assert.Empty(fixture.Core.ReceiveSeqnoRequests(A, [request with { Seqno = 3 }], T0));
    }

    [Fact]
    public void Request_for_a_seqno_already_held_is_answered_directly()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 4, 30));
        var request = new SeqnoRequest(SimulatedIdentity.SubnetOf(5), SimulatedIdentity.RouterIdOf(5), 3, 10);

        var answer = Assert.Single(fixture.Core.ReceiveSeqnoRequests(B, [request], T0).OfType<SendRouteUpdates>());
        Assert.Equal(B, answer.To);
        Assert.Equal(CoreFixture.Update(5, 4, 40), Assert.Single(answer.Updates));
    }

    [Fact]
    public void A_node_without_transit_uses_learnt_routes_but_advertises_and_answers_only_its_own_prefixes()
    {
        var quiet = new RoutingTimers { UpdateInterval = TimeSpan.FromSeconds(1000), RouteExpiry = TimeSpan.FromSeconds(70) };
        var fixture = new CoreFixture(settings: RoutingSettings.Default with { Timers = quiet, Transit = false });
        var own = SimulatedIdentity.SubnetOf(0);
        fixture.Core.Tick(T0 + TimeSpan.FromMilliseconds(100));

        fixture.Receive(A, T0 + TimeSpan.FromSeconds(1), CoreFixture.Update(5, 4, 30));
        Assert.Equal(A, fixture.Selected(5).NextHop);
        Assert.Empty(fixture.BroadcastAt(T0 + TimeSpan.FromSeconds(2)));

        // A new neighbour hears only this node's own prefix; a request for another's seqno is neither answered nor passed on.
        var welcome = fixture.Core.NeighbourUp(new NeighbourId(3), 10, T0 + TimeSpan.FromSeconds(3)).OfType<SendRouteUpdates>().SelectMany(send => send.Updates);
        Assert.Equal([own], welcome.Select(update => update.Prefix));
        Assert.Empty(fixture.Core.ReceiveSeqnoRequests(B, [new SeqnoRequest(SimulatedIdentity.SubnetOf(5), SimulatedIdentity.RouterIdOf(5), 3, 10)], T0 + TimeSpan.FromSeconds(4)));
        Assert.Empty(fixture.Core.ReceiveSeqnoRequests(B, [new SeqnoRequest(SimulatedIdentity.SubnetOf(5), SimulatedIdentity.RouterIdOf(5), 9, 10)], T0 + TimeSpan.FromSeconds(4)));

        // Losing the route is no news to the neighbours either: nothing was advertised, so nothing is retracted.
        fixture.Receive(A, T0 + TimeSpan.FromSeconds(5), CoreFixture.Update(5, 4, RouteMetric.Infinity));
        Assert.False(fixture.HasRoute(5));
        Assert.Empty(fixture.BroadcastAt(T0 + TimeSpan.FromSeconds(6)));
    }

    [Fact]
    public void Hijacked_prefix_is_dropped_and_counted()
    {
        var fixture = new CoreFixture();
        var hijack = new RouteUpdate(SimulatedIdentity.SubnetOf(5), 1, 1, SimulatedIdentity.RouterIdOf(9));

        var actions = fixture.Receive(A, T0, hijack);

        Assert.Empty(actions);
        Assert.False(fixture.HasRoute(5));
        Assert.Equal(1, fixture.Core.Counters[RoutingEvent.HijacksDropped]);
    }

    [Fact]
    public void Routes_expire_when_not_refreshed()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 1, 30));

        fixture.Core.Tick(T0 + TimeSpan.FromSeconds(69));
        Assert.True(fixture.HasRoute(5));
        fixture.Core.Tick(T0 + TimeSpan.FromSeconds(76));
        Assert.False(fixture.HasRoute(5));
        Assert.Equal(1, fixture.Core.Counters[RoutingEvent.RoutesExpired]);
    }

    [Fact]
    public void Periodic_dump_carries_every_advertised_route_and_repeats_each_interval()
    {
        var core = new RoutingCore(SimulatedIdentity.RouterIdOf(0), SimulatedIdentity.Ownership, RoutingSettings.Default, T0);
        core.AddLocalPrefix(SimulatedIdentity.SubnetOf(0), T0);
        core.NeighbourUp(A, 10, T0);
        core.ReceiveUpdates(A, [CoreFixture.Update(5, 1, 30)], T0);
        core.Tick(T0 + TimeSpan.FromMilliseconds(50));
        var dumpTimes = new List<TimeSpan>();
        for (var at = T0 + TimeSpan.FromSeconds(1); at < T0 + TimeSpan.FromSeconds(50); at += TimeSpan.FromMilliseconds(100))
        {
            core.ReceiveUpdates(A, [CoreFixture.Update(5, 1, 30)], at);
            var sent = core.Tick(at).OfType<SendRouteUpdates>().SelectMany(send => send.Updates).ToList();
            if (sent.Count > 0)
            {
                Assert.Equal(2, sent.Count);
                dumpTimes.Add(at);
            }
        }

        Assert.True(dumpTimes.Count is 2 or 3, string.Join(", ", dumpTimes));
        Assert.Equal(TimeSpan.FromSeconds(20), dumpTimes[1] - dumpTimes[0]);
    }

    [Fact]
    public void Neighbour_up_receives_the_full_table()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 1, 30));

        var send = Assert.Single(fixture.Core.NeighbourUp(new NeighbourId(3), 10, T0).OfType<SendRouteUpdates>());

        Assert.Equal(new NeighbourId(3), send.To);
        Assert.Equal(2, send.Updates.Count);
    }

    [Fact]
    public void Small_link_cost_changes_are_ignored_large_ones_reroute()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(5, 1, 30));
        fixture.Receive(B, T0, CoreFixture.Update(5, 1, 35));

        Assert.Empty(fixture.Core.LinkCostChanged(A, 12, T0));
        Assert.Equal(40, fixture.Selected(5).Metric);

        fixture.Core.LinkCostChanged(A, 100, T0);
        Assert.Equal(B, fixture.Selected(5).NextHop);
        Assert.Equal(45, fixture.Selected(5).Metric);
    }

    [Fact]
    public void Equal_cost_routes_to_an_anycast_prefix_are_all_exposed()
    {
        var anycast = RoutePrefix.Parse("fd99::/64");
        var fixture = new CoreFixture(new AllowAll());
        fixture.Receive(A, T0, new RouteUpdate(anycast, 1, 20, SimulatedIdentity.RouterIdOf(7)));
        fixture.Receive(B, T0, new RouteUpdate(anycast, 1, 22, SimulatedIdentity.RouterIdOf(8)));
        fixture.Core.NeighbourUp(new NeighbourId(3), 10, T0);
        fixture.Receive(new NeighbourId(3), T0, new RouteUpdate(anycast, 1, 90, SimulatedIdentity.RouterIdOf(9)));

        var hops = new List<NeighbourId>();
        Assert.True(fixture.Core.TryGetNextHops(anycast, hops));
        Assert.Equal([A, B], hops);

        Assert.True(fixture.Core.BuildForwardingSnapshot().TryLookup(anycast.ToIpPrefix().Network.GetAddressBytes(), out var entry));
        Assert.Equal([A, B], entry.NextHops.ToArray());
    }

    [Fact]
    public void Removing_a_local_prefix_retracts_it_or_falls_back_to_another_originator()
    {
        var anycast = RoutePrefix.Parse("fd99::/64");
        var fixture = new CoreFixture(new AllowAll());
        fixture.Core.AddLocalPrefix(anycast, T0);
        fixture.Receive(A, T0, new RouteUpdate(anycast, 1, 20, SimulatedIdentity.RouterIdOf(7)));
        fixture.BroadcastAt(T0 + TimeSpan.FromSeconds(1));
        Assert.False(fixture.Core.TryGetSelectedRoute(anycast, out _));

        var actions = fixture.Core.RemoveLocalPrefix(anycast, T0 + TimeSpan.FromSeconds(2));
        Assert.Contains(new SelectedRouteChanged(anycast, A, 30), actions);
        Assert.Equal([new RouteUpdate(anycast, 1, 30, SimulatedIdentity.RouterIdOf(7))], fixture.BroadcastAt(T0 + TimeSpan.FromSeconds(3)));

        fixture.Core.NeighbourDown(A, T0 + TimeSpan.FromSeconds(4));
        fixture.Core.AddLocalPrefix(anycast, T0 + TimeSpan.FromSeconds(5));
        fixture.BroadcastAt(T0 + TimeSpan.FromSeconds(6));
        var retraction = Assert.Single(fixture.Core.RemoveLocalPrefix(anycast, T0 + TimeSpan.FromSeconds(7)).OfType<SendRouteUpdates>().Single().Updates);
        Assert.Equal(new RouteUpdate(anycast, 0, RouteMetric.Infinity, fixture.Core.Self), retraction);
    }

    [Fact]
    public void Own_prefix_echoed_with_a_newer_seqno_makes_the_node_jump_past_it()
    {
        var fixture = new CoreFixture();
        fixture.Receive(A, T0, CoreFixture.Update(0, 9, 10));
        Assert.Equal(10, fixture.Core.OwnSeqno);
    }

    private sealed class AllowAll : IPrefixOwnership
    {
        public bool MayOriginate(RouterId originator, RoutePrefix prefix) => true;
    }

    [Fact]
    public void A_flood_of_new_destinations_stops_at_the_table_limit_while_known_routes_keep_updating()
    {
        var limited = RoutingSettings.Default with
        {
            Timers = new RoutingTimers { UpdateInterval = TimeSpan.FromSeconds(1000), RouteExpiry = TimeSpan.FromSeconds(70) },
            MaxDestinations = 8,
        };
        var fixture = new CoreFixture(settings: limited);
        fixture.Receive(A, T0, CoreFixture.Update(1, 1, 10));

        fixture.Receive(A, T0, [.. Enumerable.Range(100, 50).Select(node => CoreFixture.Update(node, 1, 10))]);

        var admitted = Enumerable.Range(100, 50).Count(fixture.HasRoute);
        Assert.Equal(8 - 2, admitted); // this node's own /64 and node 1 hold two of the eight places
        Assert.Equal(50 - admitted, fixture.Core.Counters[RoutingEvent.UpdatesOverTableLimit]);
        fixture.Receive(A, T0 + TimeSpan.FromSeconds(1), CoreFixture.Update(1, 2, 10));
        Assert.Equal(2, fixture.Selected(1).Seqno);
    }
}
