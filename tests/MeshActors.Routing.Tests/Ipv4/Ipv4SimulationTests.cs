using System.Security.Cryptography;
using MeshActors.Protocol;
using MeshActors.Routing.Ipv4;
using MeshActors.Testing.Simulation;
using Xunit.Abstractions;

namespace MeshActors.Routing.Tests.Ipv4;

public sealed class Ipv4SimulationTests(ITestOutputHelper output)
{
    private static readonly Ipv4Network Network = new(IpPrefix.Parse("10.250.0.0/16"));

    /// <summary>
    /// 500 nodes in a /16, with keys picked so that many start on the same address (every colliding group found
    /// among 4,000 random keys, then others): all end on distinct addresses and every node routes each address to
    /// the node that holds it.
    /// </summary>
    [Fact]
    public void Five_hundred_nodes_in_a_slash_16_end_with_distinct_addresses()
    {
        var keys = KeysWithCollisions(500, out var colliding);
        Assert.True(colliding >= 100, $"only {colliding} keys start on a shared address");
        var simulator = new NetworkSimulator(keys.Length, Topologies.SeededRandom(keys.Length, 4, seed: 16), new SimulatorOptions { Seed = 16 });
        var ipv4 = new Ipv4Simulation(simulator, Network, keys);

        ipv4.Start();
        Assert.True(ipv4.RunUntilSettled(TimeSpan.FromMinutes(5)), "addresses did not settle within 5 virtual minutes");
        output.WriteLine(
            $"{keys.Length} nodes, {colliding} starting on a shared address: settled after {simulator.Now.TotalSeconds:0.0} virtual s, " +
            $"{ipv4.Addresses.Sum(a => a.Moves)} moves, at most {ipv4.Addresses.Max(a => a.Moves)} by one node");

        Assert.Equal(keys.Length, ipv4.Addresses.Select(a => a.Address).Distinct().Count());
        Assert.All(ipv4.Addresses, a => Assert.True(Network.Contains(a.Address)));
        Assert.True(ipv4.Addresses.Sum(a => a.Moves) >= colliding / 2, "the colliding nodes should have moved");
        Assert.True(ipv4.Duplicates > 0, "the record flood should have met copies of itself");
    }

    /// <summary>Two nodes on one address, a line of relays between them: only the larger key moves.</summary>
    [Fact]
    public void Across_a_line_only_the_larger_key_moves()
    {
        var pair = KeysWithCollisions(2, out _);
        Array.Sort(pair, (a, b) => a.AsSpan().SequenceCompareTo(b));
        byte[][] keys = [pair[0], Key(50), Key(51), Key(52), pair[1]];
        var ipv4 = new Ipv4Simulation(new NetworkSimulator(5, Topologies.Line(5)), Network, keys);

        ipv4.Start();
        Assert.True(ipv4.RunUntilSettled(TimeSpan.FromMinutes(2)));

        Assert.Equal(0, ipv4.Addresses[0].Moves);
        Assert.Equal(1, ipv4.Addresses[4].Moves);
        Assert.Equal(Network.Candidate(pair[0], 0), ipv4.Addresses[0].Address);
    }

    /// <summary>Colliding groups first (same candidate 0), then other keys, up to <paramref name="count"/>.</summary>
    private static byte[][] KeysWithCollisions(int count, out int colliding)
    {
        var pool = Enumerable.Range(0, 4000).Select(i => SHA256.HashData(BitConverter.GetBytes(i))).ToList();
        var groups = pool.GroupBy(key => Network.Candidate(key, 0)).ToList();
        var shared = groups.Where(g => g.Count() > 1).SelectMany(g => g).Take(count).ToList();
        colliding = shared.Count;
        return [.. shared, .. groups.Where(g => g.Count() == 1).SelectMany(g => g).Take(count - shared.Count)];
    }

    private static byte[] Key(byte first)
    {
        var key = new byte[32];
        key[0] = first;
        return key;
    }
}
