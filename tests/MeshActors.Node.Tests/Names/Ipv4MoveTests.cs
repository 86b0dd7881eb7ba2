using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MeshActors.Crypto;
using MeshActors.Node.Settings;
using MeshActors.Node.Tests.Messaging;
using MeshActors.Protocol;
using MeshActors.Routing.Ipv4;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Names;

public sealed class Ipv4MoveTests
{
    private static readonly IpPrefix Network = IpPrefix.Parse("10.9.0.0/24");

    [Fact]
    public async Task Two_nodes_derived_onto_one_address_end_apart_and_the_larger_key_moved()
    {
        var (small, large) = CollidingPair();
        await using var first = await BusTestNode.StartAsync(adjust: Automatic, identity: large);
        await using var second = await BusTestNode.StartAsync([first], adjust: Automatic, identity: small);
        var start = Ipv4Network.ToAddress(new Ipv4Network(Network).Candidate(small.Public.Bytes, 0)).ToString();

        await Eventually.True(() => OwnIpv4(first).Result != start, 15_000, "the larger key should move off the shared address");
        Assert.Equal(start, await OwnIpv4(second));
        var moved = await OwnIpv4(first);
        await Eventually.True(() => SelectedPrefixes(second).Result.Contains($"{moved}/32"), 15_000, "the moved address should be routed");
        Assert.Contains($"{start}/32", await SelectedPrefixes(first));
    }

    private static NodeSettings Automatic(NodeSettings settings) => settings with
    {
        NodeName = "",
        Names = settings.Names with { RefreshInterval = TimeSpan.FromSeconds(1), RecordLifetime = TimeSpan.FromSeconds(10) },
        Ipv4Network = new Ipv4NetworkSettings(Network, TimeSpan.FromMilliseconds(200)),
    };

    /// <summary>Two fresh identities whose first candidate in <see cref="Network"/> is the same, smaller key first.</summary>
    private static (NodeIdentity Small, NodeIdentity Large) CollidingPair()
    {
        var network = new Ipv4Network(Network);
        var seen = new Dictionary<uint, NodeIdentity>();
        while (true)
        {
            var identity = NodeIdentity.Generate();
            var candidate = network.Candidate(identity.Public.Bytes, 0);
            if (seen.Remove(candidate, out var other))
            {
                foreach (var unused in seen.Values)
                {
                    unused.Dispose();
                }

                return other.Public.Bytes.SequenceCompareTo(identity.Public.Bytes) < 0 ? (other, identity) : (identity, other);
            }

            seen[candidate] = identity;
        }
    }

    private static async Task<string?> OwnIpv4(BusTestNode node) =>
        (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/names"))!["self"]!["ipv4"]?.GetValue<string>();

    private static async Task<HashSet<string>> SelectedPrefixes(BusTestNode node) =>
        [.. (await node.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/routes/selected"))!.Select(r => r!["prefix"]!.GetValue<string>())];
}
