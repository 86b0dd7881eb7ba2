using MeshActors.Crypto;
using MeshActors.Node.Routing;

namespace MeshActors.Node.Tests.Links;

/// <summary>Three real nodes in one process over loopback links: routes are learned across a relay and lost on a cut.</summary>
public class RouteTableTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Line_of_three_learns_every_subnet_and_loses_it_when_the_middle_goes()
    {
        var b = LinkTestNode.Start("b", withRoutes: true);
        await using var a = LinkTestNode.Start("a", [b.TcpUri], withRoutes: true);
        await using var c = LinkTestNode.Start("c", [b.UdpUri], withRoutes: true);

        var toC = await WaitForRoute(a, c.Subnet.ToString(), present: true);
        var toA = await WaitForRoute(c, a.Subnet.ToString(), present: true);

        Assert.Equal(b.Identity.Public.ToString(), toC!.NextHop);
        Assert.Equal(c.Identity.Public.ToString(), toC.Originator);
        Assert.Equal(b.Identity.Public.ToString(), toA!.NextHop);
        Assert.True(a.Routes.TryLookup(AddressIn(c), out var target));
        Assert.Equal(c.Identity.Public, target.Owner);
        Assert.Equal(b.Identity.Public, target.NextHop.Peer);

        var cutAt = DateTime.UtcNow;
        await b.DisposeAsync();
        await WaitForRoute(a, c.Subnet.ToString(), present: false);
        var lost = DateTime.UtcNow - cutAt;

        Assert.False(a.Routes.TryLookup(AddressIn(c), out _));
        Assert.True(lost < LinkTestNode.FastTimers.DeadAfter * 3, $"route lost after {lost}");
    }

    [Fact]
    public async Task A_converged_line_stays_quiet_no_seqno_churn_and_no_open_queries()
    {
        await using var b = LinkTestNode.Start("b", withRoutes: true);
        await using var a = LinkTestNode.Start("a", [b.TcpUri], withRoutes: true);
        await using var c = LinkTestNode.Start("c", [b.UdpUri], withRoutes: true);
        var first = await WaitForRoute(c, a.Subnet.ToString(), present: true);
        await WaitForRoute(a, c.Subnet.ToString(), present: true);

        await Task.Delay(LinkTestNode.FastTimers.HelloInterval * 10);

        var later = (await c.RoutesAsync()).Single(r => r.Prefix == a.Subnet.ToString());
        Assert.Equal(first!.Seqno, later.Seqno);
        Assert.Empty(await a.RoutesAsync(RouteView.Queried));
        Assert.Empty(await c.RoutesAsync(RouteView.Queried));
    }

    [Fact]
    public async Task A_node_may_originate_only_its_own_overlay_subnet()
    {
        using var victim = NodeIdentity.Generate();
        await using var b = LinkTestNode.Start("b", withRoutes: true);
        await using var a = LinkTestNode.Start("a", [b.TcpUri], withRoutes: true);
        await WaitForRoute(a, b.Subnet.ToString(), present: true);

        var ownership = new OverlayPrefixOwnership(OverlayAddressing.DefaultPrefix);
        var forged = Protocol.Routing.RoutePrefix.From(OverlayAddressing.DeriveSubnet(victim.Public, OverlayAddressing.DefaultPrefix));

        Assert.False(ownership.MayOriginate(Protocol.Routing.RouterId.FromBytes(b.Identity.Public.Bytes), forged));
        Assert.True(ownership.MayOriginate(Protocol.Routing.RouterId.FromBytes(victim.Public.Bytes), forged));
        Assert.True(ownership.MayOriginate(Protocol.Routing.RouterId.FromBytes(b.Identity.Public.Bytes), Protocol.Routing.RoutePrefix.Parse("10.9.0.0/16")));
        Assert.False(ownership.MayOriginate(Protocol.Routing.RouterId.FromBytes(b.Identity.Public.Bytes), Protocol.Routing.RoutePrefix.Parse("fd00::/8")));
    }

    private static byte[] AddressIn(LinkTestNode node) =>
        OverlayAddressing.DeriveAddress(node.Identity.Public, OverlayAddressing.DefaultPrefix).GetAddressBytes();

    private static async Task<RouteInfo?> WaitForRoute(LinkTestNode node, string prefix, bool present)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var route = (await node.RoutesAsync()).FirstOrDefault(r => r.Prefix == prefix);
            if ((route is not null) == present)
            {
                return route;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{node.Name}: route to {prefix} still {(present ? "missing" : "present")}");
            await Task.Delay(50);
        }
    }
}
