using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MeshActors.Crypto;
using MeshActors.Crypto.Names;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Settings;
using MeshActors.Node.Tests.Messaging;
using MeshActors.Protocol;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Names;
using MeshActors.Protocol.Routing;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Names;

/// <summary>Whole nodes on loopback (no TUN): names flood, ownership, forged and replayed records over a real link.</summary>
public sealed class NamesNodeTests
{
    [Fact]
    public async Task Names_and_automatic_ipv4_addresses_reach_the_far_end_of_a_line()
    {
        await using var a = await BusTestNode.StartAsync(adjust: Named("a"));
        await using var b = await BusTestNode.StartAsync([a], adjust: Named("b"));
        await using var c = await BusTestNode.StartAsync([b], adjust: Named("c"));

        await Eventually.True(() => Owners(c).Result.SetEquals(["a", "b", "c"]), 15_000, "c should see a, b and c owned");
        var resolved = await c.Http.GetFromJsonAsync<JsonObject>("/api/v1/names/a");
        Assert.Equal(a.Address.ToString(), resolved!["address"]!.GetValue<string>());
        var ipv4 = IPAddress.Parse(resolved["ipv4"]!.GetValue<string>());
        Assert.True(IpPrefix.Parse("10.250.0.0/16").Contains(ipv4));
        using var unknown = await c.Http.GetAsync("/api/v1/names/nobody");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var self = (await a.Http.GetFromJsonAsync<JsonObject>("/api/v1/names"))!["self"]!;
        Assert.Equal("owner", self["status"]!.GetValue<string>());
        Assert.Equal(ipv4.ToString(), self["ipv4"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refreshed_records_outlive_their_lifetime_and_a_stopped_nodes_name_ages_out()
    {
        var lifetime = TimeSpan.FromSeconds(3);
        Func<NodeSettings, NodeSettings> shortLived(string name) => s => Named(name)(s) with
        {
            Names = s.Names with { RefreshInterval = TimeSpan.FromMilliseconds(500), RecordLifetime = lifetime },
        };
        await using var keeper = await BusTestNode.StartAsync(adjust: shortLived("keeper"));
        var leaver = await BusTestNode.StartAsync([keeper], adjust: shortLived("leaver"));
        await Eventually.True(() => Owners(keeper).Result.Contains("leaver"), 15_000);

        await Task.Delay(lifetime * 2);
        Assert.Contains("leaver", await Owners(keeper));

        await leaver.DisposeAsync();
        await Eventually.True(() => !Owners(keeper).Result.Contains("leaver"), (int)(lifetime * 3).TotalMilliseconds, "the stopped node's record should expire");
    }

    [Fact]
    public async Task A_later_claimant_of_a_name_is_refused_and_the_api_says_so()
    {
        await using var first = await BusTestNode.StartAsync(adjust: Named("dup"));
        await Eventually.True(() => Status(first).Result == "owner", 10_000);
        await using var second = await BusTestNode.StartAsync([first], adjust: Named("dup"));

        await Eventually.True(() => Status(second).Result == "refused", 15_000, "the second claimant should be refused");
        var self = (await second.Http.GetFromJsonAsync<JsonObject>("/api/v1/names"))!["self"]!;
        Assert.Equal(first.Key, self["owner"]!.GetValue<string>());
        Assert.Equal("owner", await Status(first));
        var listed = (await first.Http.GetFromJsonAsync<JsonObject>("/api/v1/names"))!["names"]!.AsArray();
        Assert.Contains(listed, n => n!["publicKey"]!.GetValue<string>() == second.Key && !n["owner"]!.GetValue<bool>());
        var owner = await second.Http.GetFromJsonAsync<JsonObject>("/api/v1/names/dup");
        Assert.Equal(first.Address.ToString(), owner!["address"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_owner_restarted_with_its_key_keeps_its_name_against_a_later_claimant()
    {
        var seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(NodeIdentity.SeedSize);
        await using var hub = await BusTestNode.StartAsync(adjust: Named("hub"));
        var owner = await BusTestNode.StartAsync([hub], adjust: Named("n"), identity: NodeIdentity.FromSeed(seed));
        await Eventually.True(() => Owners(hub).Result.Contains("n"), 15_000);
        await using var later = await BusTestNode.StartAsync([hub], adjust: Named("n"));
        await Eventually.True(() => Status(later).Result == "refused", 15_000);

        await owner.DisposeAsync();
        await using var restarted = await BusTestNode.StartAsync([hub], adjust: Named("n"), identity: NodeIdentity.FromSeed(seed));

        await Eventually.True(() => Status(restarted).Result == "owner", 15_000, "the restarted owner should take its old claim time back");
        Assert.Equal("refused", await Status(later));
    }

    [Fact]
    public async Task Forged_replayed_and_malformed_records_sent_over_a_link_are_dropped_and_counted()
    {
        // The sender is a bare link that answers no hellos: the target must not declare it dead while the test runs.
        await using var target = await BusTestNode.StartAsync(
            adjust: s => Named("target")(s) with { LinkTimers = s.LinkTimers with { DeadAfter = TimeSpan.FromSeconds(60) } });
        await using var sender = LoopbackNode.Create(poolCapacity: 256, bufferSize: 4096);
        var link = await sender.ConnectAsync(PeerUri.Parse(target.TcpUri));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(link.SendControl(FrameType.Control, NameRecordCodec.Encode(
            NameRecordSigner.Sign(sender.Identity, "sender", now, now, 300, NameRecordFlags.None, 0))));
        await Eventually.True(() => Owners(target).Result.Contains("sender"), 15_000);

        using var stranger = NodeIdentity.Generate();
        var forged = NameRecordSigner.Sign(sender.Identity, "stolen", now, now, 300, NameRecordFlags.None, 0)
            with { Key = stranger.Public.Bytes.ToArray() };
        var replayed = NameRecordSigner.Sign(sender.Identity, "old-name", now - 20_000, now - 20_000, 300, NameRecordFlags.None, 0);
        link.SendControl(FrameType.Control, NameRecordCodec.Encode(forged));
        link.SendControl(FrameType.Control, NameRecordCodec.Encode(replayed));
        link.SendControl(FrameType.Control, [ControlKinds.NameRecord, 1, 0]);

        await Eventually.True(() => Counter(target, "forged").Result >= 1 && Counter(target, "replayed").Result >= 1 && Counter(target, "malformed").Result >= 1, 10_000);
        var names = await Owners(target);
        Assert.DoesNotContain("stolen", names);
        Assert.DoesNotContain("old-name", names);
        Assert.Contains("sender", names);
    }

    private static Func<NodeSettings, NodeSettings> Named(string name) => s => s with
    {
        NodeName = name,
        Names = s.Names with { RefreshInterval = TimeSpan.FromSeconds(1), RecordLifetime = TimeSpan.FromSeconds(10) },
        Ipv4Network = new Ipv4NetworkSettings(IpPrefix.Parse("10.250.0.0/16"), TimeSpan.FromMilliseconds(200)),
    };

    private static async Task<HashSet<string>> Owners(BusTestNode node)
    {
        var list = await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/names");
        return [.. list!["names"]!.AsArray().Where(n => n!["owner"]!.GetValue<bool>()).Select(n => n!["name"]!.GetValue<string>())];
    }

    private static async Task<string> Status(BusTestNode node) =>
        (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/names"))!["self"]!["status"]!.GetValue<string>();

    private static async Task<double> Counter(BusTestNode node, string outcome)
    {
        var line = (await node.Http.GetStringAsync("/metrics")).Split('\n')
            .FirstOrDefault(l => l.StartsWith($"meshactors_name_records_received_total{{outcome=\"{outcome}\"}}", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
