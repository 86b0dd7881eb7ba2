using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MeshActors.Node.Settings;
using MeshActors.Protocol.Nat;
using MeshActors.Node.Tests.Messaging;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Nat;

/// <summary>
/// Whole nodes on loopback: a and b know only the relay r, over UDP; a bus message from a to b makes them exchange
/// candidates through r and punch a direct link (loopback has no NAT, so this checks the whole mechanism: signals over
/// the bus, probes on the shared socket, the dial, adoption and routing; the NAT cases run in namespaces).
/// </summary>
public sealed class HolePunchTests
{
    private const int PatienceMs = 20_000;

    [Fact]
    public async Task A_bus_message_over_a_relay_punches_a_direct_link_that_routing_then_prefers()
    {
        await using var r = await BusTestNode.StartAsync();
        await using var a = await BusTestNode.StartAsync();
        await using var b = await BusTestNode.StartAsync();
        await AddPeer(a, r.UdpUri);
        await AddPeer(b, r.UdpUri);
        await a.WaitForRouteAsync(b);
        Assert.Null(await UpPeer(a, b.Key));

        await a.SendOkAsync(new { pk = b.Key }, [1, 2, 3]);

        await Eventually.True(() => UpPeer(a, b.Key).Result is not null, PatienceMs, "a should get a direct link to b");
        await Eventually.True(() => UpPeer(b, a.Key).Result is not null, PatienceMs, "b should list the direct link to a");
        Assert.NotNull(await b.ReceiveAsync(10));
        // The side with the smaller key dials the punched path (its link actor is punch-N), the other accepts it (in-N).
        var aPeer = (await UpPeer(a, b.Key))!;
        var bPeer = (await UpPeer(b, a.Key))!;
        var aDials = string.CompareOrdinal(a.Key, b.Key) < 0;
        Assert.StartsWith(aDials ? "punch-" : "in-", aPeer["actor"]!.GetValue<string>());
        Assert.StartsWith(aDials ? "in-" : "punch-", bPeer["actor"]!.GetValue<string>());
        Assert.Equal(b.Key[..8], aPeer["name"]!.GetValue<string>());

        await Eventually.True(() => Punches(a).Result["succeeded"]!.GetValue<long>() == 1, PatienceMs, "a's attempt should end as a success");
        await Eventually.True(() => Punches(b).Result["succeeded"]!.GetValue<long>() == 1, PatienceMs, "b's attempt should end as a success");
        Assert.Equal(0, (await Punches(a))["failed"]!.GetValue<long>());
        await Eventually.True(() => NextHop(a, b).Result == b.Key, PatienceMs, "a's route to b should go direct");

        // b's inbox never saw the punch signals, only the message.
        Assert.Null(await b.ReceiveAsync(0));
        var metrics = await a.Http.GetStringAsync("/metrics");
        Assert.Contains("meshactors_nat_punches_total{event=\"succeeded\"} 1", metrics);
        Assert.Matches("meshactors_nat_probes_total\\{result=\"sent\"\\} [1-9]", metrics);
    }

    [Fact]
    public async Task With_punching_off_traffic_stays_relayed()
    {
        Func<NodeSettings, NodeSettings> off = s => s with { Nat = s.Nat with { Punch = false } };
        await using var r = await BusTestNode.StartAsync();
        await using var a = await BusTestNode.StartAsync(adjust: off);
        await using var b = await BusTestNode.StartAsync(adjust: off);
        await AddPeer(a, r.UdpUri);
        await AddPeer(b, r.UdpUri);
        await a.WaitForRouteAsync(b);

        await a.SendOkAsync(new { pk = b.Key }, [1]);
        Assert.NotNull(await b.ReceiveAsync(10));

        Assert.Null(await UpPeer(a, b.Key));
        Assert.Equal(0, (await Punches(a))["started"]!.GetValue<long>());
        Assert.Equal(r.Key, await NextHop(a, b));
    }

    [Fact]
    public async Task An_offer_from_a_peer_already_linked_directly_is_ignored_and_counted()
    {
        await using var a = await BusTestNode.StartAsync();
        await using var b = await BusTestNode.StartAsync();
        await AddPeer(b, a.UdpUri);
        await a.WaitForRouteAsync(b);
        var linkActor = (await UpPeer(b, a.Key))!["actor"]!.GetValue<string>();

        // What the bus hands over late when a offered while it had no path to b (a restart, a flapping link).
        var offer = new PunchSignal(
            PunchSignalKind.Offer, 0, 42, [new PunchCandidate(CandidateKind.Local, IPEndPoint.Parse(a.UdpUri["udp://".Length..]))]);
        await a.SendOkAsync(new { pk = b.Key }, PunchSignalCodec.Encode(offer), PunchSignalCodec.Topic.ToArray());

        await Eventually.True(() => Punches(b).Result["offers_while_linked"]!.GetValue<long>() == 1, PatienceMs, "b should see the offer");
        Assert.Equal(0, (await Punches(b))["started"]!.GetValue<long>());
        Assert.Equal(linkActor, (await UpPeer(b, a.Key))!["actor"]!.GetValue<string>());
        Assert.Null(await b.ReceiveAsync(0));
    }

    [Fact]
    public async Task A_rendezvous_introduces_the_nodes_linked_to_it_and_they_punch_a_direct_link_with_no_traffic()
    {
        await using var r = await BusTestNode.StartAsync(adjust: s => s with { Discovery = s.Discovery with { Rendezvous = true } });
        await using var a = await BusTestNode.StartAsync();
        await using var b = await BusTestNode.StartAsync();
        await AddPeer(a, r.UdpUri);
        await AddPeer(b, r.UdpUri);

        await Eventually.True(() => UpPeer(a, b.Key).Result is not null, PatienceMs, "a should get a direct link to b");
        await Eventually.True(() => UpPeer(b, a.Key).Result is not null, PatienceMs, "b should list the direct link to a");
        var introduced = (await Punches(a))["introductions_received"]!.GetValue<long>() + (await Punches(b))["introductions_received"]!.GetValue<long>();
        Assert.True(introduced >= 1, "the link came from an introduction");
        Assert.Matches("meshactors_discovery_rendezvous_total\\{event=\"introductions_sent\"\\} [1-9]", await r.Http.GetStringAsync("/metrics"));
        Assert.Contains("meshactors_discovery_rendezvous_linked 2", await r.Http.GetStringAsync("/metrics"));
        Assert.Null(await a.ReceiveAsync(0));
        Assert.Null(await b.ReceiveAsync(0));
    }

    [Fact]
    public async Task A_node_with_punching_off_refuses_introductions_and_stays_relayed()
    {
        await using var r = await BusTestNode.StartAsync(adjust: s => s with { Discovery = s.Discovery with { Rendezvous = true } });
        await using var a = await BusTestNode.StartAsync(adjust: s => s with { Nat = s.Nat with { Punch = false } });
        await AddPeer(a, r.UdpUri);
        await r.WaitForRouteAsync(a);
        await using var b = await BusTestNode.StartAsync(adjust: s => s with { Nat = s.Nat with { Punch = false } });
        await AddPeer(b, r.UdpUri);

        // b linked last, so r introduces a to b.
        await Eventually.True(() => Punches(b).Result["introductions_refused"]!.GetValue<long>() >= 1, PatienceMs, "b should be introduced to a");
        Assert.Equal(0, (await Punches(b))["introductions_received"]!.GetValue<long>());
        await a.WaitForRouteAsync(b);
        Assert.Null(await UpPeer(a, b.Key));
        Assert.Equal(r.Key, await NextHop(a, b));
    }

    private static async Task AddPeer(BusTestNode node, string uri)
    {
        using var added = await node.Http.PostAsJsonAsync("/api/v1/admin/peers", new { endpoint = uri });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
    }

    private static async Task<JsonNode?> UpPeer(BusTestNode node, string key) =>
        (await node.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/peers"))!
            .FirstOrDefault(p => p!["publicKey"]?.GetValue<string>() == key && p["state"]!.GetValue<string>() == "up");

    private static async Task<JsonNode> Punches(BusTestNode node) =>
        (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/admin"))!["nat"]!["punches"]!;

    private static async Task<string?> NextHop(BusTestNode from, BusTestNode to)
    {
        var routes = (await from.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/routes/selected"))!;
        return routes.FirstOrDefault(r => r!["originator"]!.GetValue<string>() == to.Key)?["nextHop"]?.GetValue<string>();
    }
}
