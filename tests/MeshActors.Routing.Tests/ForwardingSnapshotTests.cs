using MeshActors.Protocol.Routing;
using MeshActors.Routing;

namespace MeshActors.Routing.Tests;

public sealed class ForwardingSnapshotTests
{
    [Fact]
    public void Fast_lookup_matches_a_linear_longest_prefix_scan_on_random_prefixes()
    {
        var random = new Random(7);
        for (var round = 0; round < 20; round++)
        {
            var entries = new Dictionary<RoutePrefix, ForwardingEntry>();
            for (var i = 0; i < 300; i++)
            {
                var prefix = RandomPrefix(random);
                entries[prefix] = new ForwardingEntry(prefix, (ushort)i, [new NeighbourId(i)]);
            }

            var snapshot = ForwardingSnapshot.Build(entries.Values);
            for (var probe = 0; probe < 2000; probe++)
            {
                // Half the probes start from a stored prefix so deep matches are exercised, not only /0-ish ones.
                var address = probe % 2 == 0 ? RandomAddress(random) : AddressInside(random, entries.Keys.ElementAt(random.Next(entries.Count)));
                var expected = SlowLookup(entries.Values, address);
                var found = snapshot.TryLookup(address, out var entry);
                Assert.Equal(expected is not null, found);
                Assert.Equal(expected?.Prefix, entry?.Prefix);
            }
        }
    }

    [Fact]
    public void Lookup_does_not_allocate()
    {
        var prefix = RoutePrefix.Parse("fd00:1:2:3::/64");
        var snapshot = ForwardingSnapshot.Build([
            new ForwardingEntry(prefix, 1, [new NeighbourId(1)]),
            new ForwardingEntry(RoutePrefix.Parse("fd00::/16"), 1, [new NeighbourId(2)]),
            new ForwardingEntry(RoutePrefix.Parse("10.0.0.0/8"), 1, [new NeighbourId(3)]),
        ]);
        var address = System.Net.IPAddress.Parse("fd00:1:2:3::9").GetAddressBytes();
        snapshot.TryLookup(address, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var hops = 0;
        for (var i = 0; i < 1000; i++)
        {
            if (snapshot.TryLookup(address, out var entry))
            {
                hops += entry.SelectForFlow((ulong)i).Value;
            }
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(1000, hops);
    }

    [Fact]
    public void Flow_selection_is_stable_and_spreads_over_all_hops()
    {
        var entry = new ForwardingEntry(RoutePrefix.Parse("fd99::/64"), 1, [new NeighbourId(1), new NeighbourId(2), new NeighbourId(3)]);
        var counts = new Dictionary<NeighbourId, int>();
        for (ulong flow = 0; flow < 3000; flow++)
        {
            var hop = entry.SelectForFlow(flow);
            Assert.Equal(hop, entry.SelectForFlow(flow));
            counts[hop] = counts.GetValueOrDefault(hop) + 1;
        }

        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, count => Assert.InRange(count, 800, 1200));

        // Removing hop 3 moves only the flows that were on it.
        var reduced = new ForwardingEntry(entry.Prefix, 1, [new NeighbourId(1), new NeighbourId(2)]);
        for (ulong flow = 0; flow < 3000; flow++)
        {
            var before = entry.SelectForFlow(flow);
            if (before != new NeighbourId(3))
            {
                Assert.Equal(before, reduced.SelectForFlow(flow));
            }
        }
    }

    private static ForwardingEntry? SlowLookup(IEnumerable<ForwardingEntry> entries, byte[] address)
    {
        ForwardingEntry? best = null;
        foreach (var entry in entries)
        {
            if (entry.Prefix.Contains(address) && (best is null || entry.Prefix.Length > best.Prefix.Length))
            {
                best = entry;
            }
        }

        return best;
    }

    private static RoutePrefix RandomPrefix(Random random)
    {
        var address = RandomAddress(random);
        // Few distinct lengths per family, like a real mesh, plus a spread of others.
        var length = random.Next(4) switch
        {
            0 => address.Length == 16 ? 64 : 32,
            1 => address.Length == 16 ? 48 : 24,
            _ => random.Next(address.Length * 8 + 1),
        };
        return RoutePrefix.FromAddressBytes(address, length);
    }

    private static byte[] RandomAddress(Random random)
    {
        var address = new byte[random.Next(2) == 0 ? 4 : 16];
        random.NextBytes(address);

        // Keep the first byte in a small set so prefixes overlap often.
        address[0] = (byte)random.Next(2);
        return address;
    }

    private static byte[] AddressInside(Random random, RoutePrefix prefix)
    {
        var address = new byte[prefix.IsIPv6 ? 16 : 4];
        random.NextBytes(address);
        prefix.WriteNetworkBytes(address);
        var partialBits = prefix.Length % 8;
        if (partialBits != 0)
        {
            // WriteNetworkBytes zeroed the host bits of the last network byte; randomise them again.
            var last = prefix.Length / 8;
            address[last] |= (byte)(random.Next(256) & (0xff >> partialBits));
        }

        return address;
    }
}
