using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MeshActors.DataPlane;
using MeshActors.Node.Settings;
using MeshActors.Node.Tests.Messaging;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Nat;

/// <summary>Whole nodes on loopback: a and b know only r, which runs with <c>nat.relay = off</c>.</summary>
public sealed partial class RelayRoleTests
{
    [Fact]
    public async Task A_node_with_relay_off_reaches_its_neighbours_but_never_becomes_a_path_between_them()
    {
        // Full dumps every second, so "r told a everything it advertises" is a count of updates, not a wait.
        static NodeSettings Quick(NodeSettings s) => s with
        {
            Nat = s.Nat with { Punch = false },
            Routing = s.Routing with { Timers = s.Routing.Timers with { UpdateInterval = TimeSpan.FromSeconds(1) } },
        };

        await using var r = await BusTestNode.StartAsync(adjust: s => Quick(s) with { Nat = s.Nat with { Punch = false, Relay = false } });
        await using var a = await BusTestNode.StartAsync([r], adjust: Quick);
        await using var b = await BusTestNode.StartAsync([r], adjust: Quick);
        await r.WaitForRouteAsync(a);
        await r.WaitForRouteAsync(b);
        await a.WaitForRouteAsync(r);

        // r selected its route to b before these updates left: with transit on, each full dump would carry it.
        var before = await UpdatesReceived(a);
        await Eventually.True(() => UpdatesReceived(a).Result >= before + 4, because: "a should hear more of r's full dumps");

        var forwarder = ((NodeDataPlane)a.Runtime.Services.GetService(typeof(NodeDataPlane))!).Forwarder;
        Assert.False(forwarder.Routes!.TryLookup(b.Address.GetAddressBytes(), out _), "a learnt a path to b through r");
        Assert.False(await Relay(r));
        Assert.True(await Relay(a));
        Assert.Contains("meshactors_nat_relay 0", await r.Http.GetStringAsync("/metrics"));
    }

    private static async Task<long> UpdatesReceived(BusTestNode node) =>
        long.Parse(UpdatesReceivedLine().Match(await node.Http.GetStringAsync("/metrics")).Groups[1].Value);

    private static async Task<bool> Relay(BusTestNode node) =>
        (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/admin"))!["nat"]!["relay"]!.GetValue<bool>();

    [GeneratedRegex("meshactors_routing_events_total\\{event=\"updates_received\"\\} (\\d+)")]
    private static partial Regex UpdatesReceivedLine();
}
