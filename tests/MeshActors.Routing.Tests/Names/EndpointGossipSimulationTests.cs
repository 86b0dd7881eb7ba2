using System.Net;
using MeshActors.Crypto;
using MeshActors.Crypto.Names;
using MeshActors.Protocol.Names;
using MeshActors.Routing.Names;

namespace MeshActors.Routing.Tests.Names;

/// <summary>
/// The gossip of public endpoints (name records with an endpoint list, PROTOCOL.md §6) over 20 simulated nodes on a
/// seeded random connected graph: each node decodes what a neighbour sends, offers it to its own registry and floods
/// only what that accepted, as the names actor does. Every node must end with every record; forged, replayed and
/// malformed records stop at the node they were injected at, counted.
/// </summary>
public sealed class EndpointGossipSimulationTests : IDisposable
{
    private const int Nodes = 20;
    private const long T0 = 1_700_000_000_000;

    private readonly NodeIdentity[] _identities = [.. Enumerable.Range(0, Nodes).Select(_ => NodeIdentity.Generate())];
    private readonly NameRegistry[] _registries = [.. Enumerable.Range(0, Nodes).Select(_ => new NameRegistry(NameRecordSigner.Verify, NameRegistrySettings.Default, T0))];
    private readonly int[] _malformed = new int[Nodes];
    private readonly List<int>[] _neighbours;
    private readonly Queue<(int To, int From, byte[] Payload)> _wire = new();
    private int _deliveries;

    public EndpointGossipSimulationTests()
    {
        var random = new Random(20261201);
        _neighbours = [.. Enumerable.Range(0, Nodes).Select(_ => new List<int>())];
        for (var i = 1; i < Nodes; i++)
        {
            Connect(i, random.Next(i)); // a random tree: connected
        }

        for (var extra = 0; extra < 10; extra++)
        {
            var (a, b) = (random.Next(Nodes), random.Next(Nodes));
            if (a != b && !_neighbours[a].Contains(b))
            {
                Connect(a, b);
            }
        }
    }

    private int Edges => _neighbours.Sum(list => list.Count) / 2;

    public void Dispose()
    {
        foreach (var identity in _identities)
        {
            identity.Dispose();
        }
    }

    [Fact]
    public void Every_nodes_record_reaches_all_20_nodes_once_per_link_direction_at_most()
    {
        for (var node = 0; node < Nodes; node++)
        {
            Announce(node, Signed(node, T0 + node, Endpoints(node)));
        }

        Drain();

        for (var node = 0; node < Nodes; node++)
        {
            Assert.Equal(Nodes, _registries[node].Count);
            var relays = _registries[node].Claims().Where(c => c.Record.IsRelay).Select(c => c.Record.PublicEndpoints.Single().ToString()).Order().ToList();
            Assert.Equal(Enumerable.Range(0, Nodes).Where(n => n % 4 == 0).Select(n => Endpoints(n).Single().ToString()).Order().ToList(), relays);
        }

        // The duplicate filter stops every copy at a node that has it: a record crosses each link at most once each way.
        Assert.True(_deliveries <= Nodes * 2 * Edges, $"{_deliveries} deliveries for {Nodes} records over {Edges} links");
        Assert.All(_registries, registry => Assert.Equal(0, registry.Counts[NameOutcome.Forged] + registry.Counts[NameOutcome.Replayed]));
    }

    [Fact]
    public void Forged_replayed_and_oversized_records_stop_at_the_node_they_reach_and_are_counted()
    {
        var old = Signed(4, T0 + 4, Endpoints(4));
        Announce(4, old);
        Announce(4, Signed(4, T0 + 50, [IPEndPoint.Parse("10.9.4.4:9651")]));
        Drain();
        var deliveries = _deliveries;
        var (forgedBefore, replayedBefore) = (_registries[0].Counts[NameOutcome.Forged], _registries[0].Counts[NameOutcome.Replayed]);

        // Forged: newer, with an endpoint of the forger's choosing, under the old signature.
        _wire.Enqueue((0, -1, NameRecordCodec.Encode(old with { IssuedAtMs = T0 + 60, PublicEndpoints = [IPEndPoint.Parse("10.66.6.6:9651")] })));

        // Replayed: genuinely signed, never seen here, but older than the record held.
        _wire.Enqueue((0, -1, NameRecordCodec.Encode(Signed(4, T0 + 40, Endpoints(4)))));

        // Oversized: an endpoint count above the limit (the list follows the empty name at once; no exit list).
        var oversized = NameRecordCodec.Encode(old);
        Assert.Equal(1, oversized[NameRecordCodec.FixedSize]);
        oversized[NameRecordCodec.FixedSize] = NameRecordCodec.MaxEndpoints + 1;
        _wire.Enqueue((0, -1, oversized));
        Drain();

        Assert.Equal(forgedBefore + 1, _registries[0].Counts[NameOutcome.Forged]);
        Assert.Equal(replayedBefore + 1, _registries[0].Counts[NameOutcome.Replayed]);
        Assert.Equal(1, _malformed[0]);
        Assert.Equal(deliveries + 3, _deliveries); // none of the three went any further
        Assert.All(_registries, registry =>
            Assert.Equal([IPEndPoint.Parse("10.9.4.4:9651")], registry.ClaimOf(_identities[4].Public.Bytes)!.Record.PublicEndpoints));
    }

    /// <summary>Every fourth node is a relay with one public endpoint; the others announce none.</summary>
    private static IPEndPoint[] Endpoints(int node) => node % 4 == 0 ? [new IPEndPoint(IPAddress.Parse($"10.9.0.{node + 1}"), 9651)] : [];

    private NameRecord Signed(int node, long issuedAtMs, IPEndPoint[] endpoints) =>
        NameRecordSigner.Sign(_identities[node], "", issuedAtMs, 0, 300, endpoints.Length > 0 ? NameRecordFlags.Relay : NameRecordFlags.None, 0, null, endpoints);

    private void Announce(int node, NameRecord record)
    {
        Assert.Equal(NameOutcome.Accepted, _registries[node].Offer(record, T0 + 100));
        Flood(node, NameRecordCodec.Encode(record), except: -1);
    }

    private void Drain()
    {
        while (_wire.TryDequeue(out var message))
        {
            _deliveries++;
            if (NameRecordCodec.TryDecode(message.Payload, out var record) != NameDecodeError.None)
            {
                _malformed[message.To]++;
                continue;
            }

            if (_registries[message.To].Offer(record!, T0 + 100) == NameOutcome.Accepted)
            {
                Flood(message.To, message.Payload, except: message.From);
            }
        }
    }

    private void Flood(int node, byte[] payload, int except)
    {
        foreach (var neighbour in _neighbours[node].Where(n => n != except))
        {
            _wire.Enqueue((neighbour, node, payload));
        }
    }

    private void Connect(int a, int b)
    {
        _neighbours[a].Add(b);
        _neighbours[b].Add(a);
    }
}
