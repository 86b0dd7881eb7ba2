using System.Diagnostics.CodeAnalysis;
using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// Immutable prefix → next-hop table built from the selected routes and swapped in atomically by the owner
/// (Volatile.Write); data-plane threads read it without locks. Longest-prefix match probes one hash table per
/// distinct prefix length present, longest first: a mesh has only a handful of lengths (/64 overlay subnets,
/// /32 and a few IPv4 and extra prefixes), so a lookup is a few dictionary probes and allocates nothing.
/// </summary>
public sealed class ForwardingSnapshot
{
    private readonly Family _ipv6;
    private readonly Family _ipv4;

    private ForwardingSnapshot(Family ipv6, Family ipv4)
    {
        _ipv6 = ipv6;
        _ipv4 = ipv4;
    }

    public static ForwardingSnapshot Empty { get; } = Build([]);

    public int Count => _ipv6.Count + _ipv4.Count;

    /// <summary>Builds a snapshot; for duplicate prefixes the last entry wins.</summary>
    public static ForwardingSnapshot Build(IEnumerable<ForwardingEntry> entries)
    {
        var ipv6 = new Dictionary<RoutePrefix, ForwardingEntry>();
        var ipv4 = new Dictionary<RoutePrefix, ForwardingEntry>();
        foreach (var entry in entries)
        {
            (entry.Prefix.IsIPv6 ? ipv6 : ipv4)[entry.Prefix] = entry;
        }

        return new ForwardingSnapshot(new Family(ipv6, true), new Family(ipv4, false));
    }

    /// <summary>Longest-prefix match of a 4- or 16-byte destination address.</summary>
    public bool TryLookup(ReadOnlySpan<byte> destination, [NotNullWhen(true)] out ForwardingEntry? entry)
    {
        entry = null;
        return destination.Length switch
        {
            16 => _ipv6.TryLookup(destination, out entry),
            4 => _ipv4.TryLookup(destination, out entry),
            _ => false,
        };
    }

    public IEnumerable<ForwardingEntry> Entries => _ipv6.Entries.Concat(_ipv4.Entries);

    private sealed class Family
    {
        private readonly Dictionary<RoutePrefix, ForwardingEntry> _byPrefix;
        private readonly int[] _lengthsLongestFirst;
        private readonly bool _isIPv6;

        public Family(Dictionary<RoutePrefix, ForwardingEntry> byPrefix, bool isIPv6)
        {
            _byPrefix = byPrefix;
            _isIPv6 = isIPv6;
            var lengths = new SortedSet<int>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
            foreach (var prefix in byPrefix.Keys)
            {
                lengths.Add(prefix.Length);
            }

            _lengthsLongestFirst = [.. lengths];
        }

        public int Count => _byPrefix.Count;

        public IEnumerable<ForwardingEntry> Entries => _byPrefix.Values;

        public bool TryLookup(ReadOnlySpan<byte> address, [NotNullWhen(true)] out ForwardingEntry? entry)
        {
            var (high, low) = RoutePrefix.ReadAddress(address);
            foreach (var length in _lengthsLongestFirst)
            {
                if (_byPrefix.TryGetValue(RoutePrefix.FromWords(high, low, length, _isIPv6), out entry))
                {
                    return true;
                }
            }

            entry = null;
            return false;
        }
    }
}
