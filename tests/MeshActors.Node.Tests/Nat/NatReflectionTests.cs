using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using MeshActors.DataPlane.Links;
using MeshActors.Node.Links;
using MeshActors.Node.Nat;
using MeshActors.Node.Settings;
using MeshActors.Node.Tests.Links;
using MeshActors.Node.Tests.Messaging;
using MeshActors.Protocol.Frames;
using MeshActors.Routing.Nat;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Nat;

/// <summary>Reflections over real UDP links on loopback: what neighbours report, the NAT type it implies, the API.</summary>
public sealed class NatReflectionTests
{
    /// <summary>Only bounds a failing test: past the steady timers' 30 s dead-after, in case a stopped node's links are
    /// found dead by silence rather than closed.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_node_two_udp_neighbours_see_untranslated_reports_no_nat_in_the_api_and_metrics()
    {
        await using var b = await BusTestNode.StartAsync();
        await using var c = await BusTestNode.StartAsync();
        await using var a = await BusTestNode.StartAsync();
        foreach (var hub in new[] { b, c })
        {
            using var added = await a.Http.PostAsJsonAsync("/api/v1/admin/peers", new { endpoint = hub.UdpUri });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        var ownPort = IPEndPoint.Parse(a.UdpUri["udp://".Length..]).Port;
        await Eventually.True(() => Nat(a).Result?["type"]?.GetValue<string>() == "none", (int)Patience.TotalMilliseconds, "a should find no NAT");
        var nat = (await Nat(a))!;
        Assert.False(nat["behindNat"]!.GetValue<bool>());
        Assert.Empty(nat["reflexive"]!.AsArray());
        var observers = nat["observers"]!.AsArray();
        Assert.Equal(
            new[] { b.Key, c.Key }.Order(StringComparer.Ordinal),
            observers.Select(o => o!["publicKey"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(observers, o => Assert.Equal(new IPEndPoint(IPAddress.Loopback, ownPort).ToString(), o!["sees"]!.GetValue<string>()));
        Assert.True(nat["counters"]!["accepted"]!.GetValue<long>() >= 2);

        // b has one reporting neighbour: too few to tell.
        Assert.Equal("unknown", (await Nat(b))!["type"]!.GetValue<string>());

        var metrics = await a.Http.GetStringAsync("/metrics");
        Assert.Contains("meshactors_nat_type{type=\"none\"} 1", metrics);
        Assert.Contains("meshactors_nat_type{type=\"symmetric\"} 0", metrics);
        Assert.Contains("meshactors_nat_observers 2", metrics);
    }

    [Fact]
    public async Task Reports_of_a_translated_endpoint_give_endpoint_independent_mapping_until_a_reporter_goes()
    {
        // Node a is told it owns no address, so the loopback endpoint its neighbours see counts as translated.
        var nobody = new LocalEndpoints(new HashSet<IPAddress>(), new HashSet<int>());
        await using var b = StartWithNat("b");
        var c = StartWithNat("c");
        var cStopped = false;
        var inboundAtB = new TaskCompletionSource<Link>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Links.InboundLink += link => inboundAtB.TrySetResult(link);
        await using var a = StartWithNat("a", [b.UdpUri, c.UdpUri], () => nobody);
        try
        {
            await CheckAsync(a, c, inboundAtB.Task, () => cStopped = true);
        }
        finally
        {
            if (!cStopped)
            {
                await c.DisposeAsync();
            }
        }
    }

    private static async Task CheckAsync(LinkTestNode a, LinkTestNode c, Task<Link> inboundAtB, Action cStopped)
    {
        var aNat = ActorRegistry.For(a.System).Get<NatTraversalActor>();
        var aPort = a.Links.UdpEndPoints[0].Port;

        var status = await WaitForNat(aNat, s => s.Type == "endpointIndependent");
        Assert.True(status.BehindNat);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, aPort).ToString()], status.Reflexive);

        // A malformed reflection from a neighbour is counted and changes nothing.
        (await inboundAtB.WaitAsync(Patience)).SendControl(FrameType.Control, [0x20, 1, 4, 0, 0, 0, 127, 0, 0, 1]);
        status = await WaitForNat(aNat, s => s.Counters["malformed"] == 1);
        Assert.Equal("endpointIndependent", status.Type);

        cStopped();
        await c.DisposeAsync();
        status = await WaitForNat(aNat, s => s.Observers.Count == 1);
        Assert.Equal("unknown", status.Type);
        Assert.True(status.BehindNat);
    }

    private static async Task<JsonNode?> Nat(BusTestNode node) => (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/admin"))!["nat"];

    private static LinkTestNode StartWithNat(string name, IEnumerable<string>? peers = null, Func<LocalEndpoints>? local = null)
    {
        // Steady timers: with the fast ones (dead after 800 ms) a loaded machine cuts and redials the first link, and
        // the malformed reflection sent on it would never arrive (seen once beside stress-ng).
        var node = LinkTestNode.Start(name, peers, timers: LinkTestNode.SteadyTimers);
        var nat = node.System.ActorOf(NatTraversalActor.Props(
            NatSettings.Default with { ReflectionInterval = TimeSpan.FromSeconds(1) },
            local ?? (() => new LocalEndpoints(new HashSet<IPAddress> { IPAddress.Loopback }, node.Links.UdpEndPoints.Select(e => e.Port).ToHashSet()))),
            NatTraversalActor.Name);
        ActorRegistry.For(node.System).Register<NatTraversalActor>(nat);
        return node;
    }

    private static async Task<NatStatus> WaitForNat(IActorRef nat, Func<NatStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var status = await nat.Ask<NatStatus>(GetNatStatus.Instance, TimeSpan.FromSeconds(3));
            if (condition(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"NAT status never matched; last: {status.Type}, observers {status.Observers.Count}");
            await Task.Delay(50);
        }
    }
}
