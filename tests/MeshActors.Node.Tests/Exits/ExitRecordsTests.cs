using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MeshActors.Crypto;
using MeshActors.Crypto.Names;
using MeshActors.DataPlane;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Exits;
using MeshActors.Node.Hosting;
using MeshActors.Node.Settings;
using MeshActors.Node.Tests.Messaging;
using MeshActors.Protocol;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Names;
using MeshActors.Protocol.Routing;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Exits;

/// <summary>Exit prefixes travel in signed name records and become the forwarder's exit table and the exits view.</summary>
public sealed class ExitRecordsTests
{
    private static readonly RoutePrefix Office = RoutePrefix.Parse("10.77.0.0/24");

    [Fact]
    public void The_table_lists_every_other_nodes_exit_prefixes_and_keeps_counts_across_rebuilds()
    {
        using var self = NodeIdentity.Generate();
        using var first = NodeIdentity.Generate();
        using var second = NodeIdentity.Generate();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        NameRecord Record(NodeIdentity identity, params RoutePrefix[] exits) =>
            NameRecordSigner.Sign(identity, "", now, 0, 300, NameRecordFlags.None, 0, exits);
        var records = new[] { Record(self, Office), Record(first, Office, RoutePrefix.Parse("2000::/3")), Record(second, Office), Record(NodeIdentity.Generate()) };

        var table = ExitRecords.ToTable(records, self.Public, OverlayAddressing.DefaultPrefix, ExitTable.Empty);

        Assert.Equal(2, table.Count);
        Assert.True(table.TryGet(Office, out var office));
        Assert.Equal(new[] { first.Public, second.Public }.OrderBy(k => k.ToString()), office.Select(exit => exit.Key));
        Assert.True(table.TryGet(RoutePrefix.Parse("2000::/3"), out var internet));
        Assert.Equal(first.Public, Assert.Single(internet).Key);
        Assert.Equal(OverlayAddressing.DeriveAddress(first.Public, OverlayAddressing.DefaultPrefix).GetAddressBytes(), internet[0].Address);

        var rebuilt = ExitRecords.ToTable(records[..3], self.Public, OverlayAddressing.DefaultPrefix, table);
        Assert.True(rebuilt.TryGet(Office, out var again));
        Assert.Same(office[0], again[0]);
    }

    [Fact]
    public async Task An_exit_record_from_a_link_reaches_the_exits_view_and_the_forwarder()
    {
        await using var client = await BusTestNode.StartAsync(
            adjust: s => s with { LinkTimers = s.LinkTimers with { DeadAfter = TimeSpan.FromSeconds(60) } });
        await using var exit = LoopbackNode.Create(poolCapacity: 256, bufferSize: 4096);
        var link = await exit.ConnectAsync(PeerUri.Parse(client.TcpUri));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(link.SendControl(FrameType.Control, NameRecordCodec.Encode(
            NameRecordSigner.Sign(exit.Identity, "gateway", now, now, 300, NameRecordFlags.None, 0, [Office, RoutePrefix.Parse("2000::/3")]))));

        var forwarder = ((NodeDataPlane)client.Runtime.Services.GetService(typeof(NodeDataPlane))!).Forwarder;
        await Eventually.True(() => forwarder.Exits.Count == 2, 15_000, "the exit record should reach the forwarder");

        var view = (await client.Http.GetFromJsonAsync<JsonObject>("/api/v1/exits"))!;
        Assert.Empty(view["serving"]!.AsArray());
        var prefixes = view["prefixes"]!.AsArray();
        Assert.Equal(["10.77.0.0/24", "2000::/3"], prefixes.Select(p => p!["prefix"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var listed = prefixes[0]!["exits"]!.AsArray().Single()!;
        Assert.Equal(exit.Identity.Public.ToString(), listed["publicKey"]!.GetValue<string>());
        Assert.Equal("gateway", listed["name"]!.GetValue<string>());
        Assert.Equal(OverlayAddressing.DeriveAddress(exit.Identity.Public, OverlayAddressing.DefaultPrefix).ToString(), listed["address"]!.GetValue<string>());
        // The bare link announces no route to the exit's own address, so the client cannot use it.
        Assert.False(listed["reachable"]!.GetValue<bool>());
        Assert.Equal(0, listed["packets"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_exit_without_a_tun_device_does_not_start()
    {
        var failure = await Assert.ThrowsAsync<NodeStartException>(() => BusTestNode.StartAsync(
            adjust: s => s with { Exit = new ExitSettings([IpPrefix.Parse("10.77.0.0/24")], "") }));

        Assert.Contains("exit.prefixes needs the TUN device", failure.Message);
    }
}
