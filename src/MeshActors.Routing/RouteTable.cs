using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// All destinations of one node: prefix → dense index, and per index a <see cref="Destination"/> with a small
/// array of <see cref="RouteEntry"/> (one per neighbour that advertised the prefix). Destinations are kept once
/// created, so indices stay valid as keys of the source and request tables; the table therefore grows with the
/// number of distinct prefixes that passed the ownership check (about 100 bytes each when routeless).
/// </summary>
internal sealed class RouteTable
{
    private readonly Dictionary<RoutePrefix, int> _indexByPrefix = new();
    private Destination[] _destinations = new Destination[16];

    public int Count { get; private set; }

    /// <summary>Routes stored across all destinations.</summary>
    public long RouteEntryCount { get; private set; }

    public ref Destination At(int index) => ref _destinations[index];

    public bool TryFind(RoutePrefix prefix, out int index) => _indexByPrefix.TryGetValue(prefix, out index);

    public int GetOrAdd(RoutePrefix prefix)
    {
        if (_indexByPrefix.TryGetValue(prefix, out var index))
        {
            return index;
        }

        index = Count++;
        if (index == _destinations.Length)
        {
            Array.Resize(ref _destinations, _destinations.Length * 2);
        }

        _destinations[index] = new Destination
        {
            Prefix = prefix,
            Selected = NeighbourTable.None,
            AdvertisedOriginator = Destination.NotAdvertised,
            LastOriginator = Destination.NotAdvertised,
        };
        _indexByPrefix.Add(prefix, index);
        return index;
    }

    /// <summary>Inserts or replaces the route of <paramref name="entry"/>'s neighbour.</summary>
    public void Upsert(int index, in RouteEntry entry)
    {
        ref var destination = ref _destinations[index];
        var existing = destination.FindRoute(entry.Neighbour);
        if (existing >= 0)
        {
            destination.Routes![existing] = entry;
            return;
        }

        // Grow by half (minimum 2): a destination typically hears from every neighbour, 4-8 in a mesh.
        if (destination.Routes is null || destination.RouteCount == destination.Routes.Length)
        {
            var capacity = Math.Max(2, destination.RouteCount + (destination.RouteCount / 2));
            Array.Resize(ref destination.Routes, capacity);
        }

        destination.Routes[destination.RouteCount++] = entry;
        RouteEntryCount++;
    }

    /// <summary>Removes the route through <paramref name="neighbour"/>; false when there was none.</summary>
    public bool Remove(int index, ushort neighbour)
    {
        ref var destination = ref _destinations[index];
        var position = destination.FindRoute(neighbour);
        if (position < 0)
        {
            return false;
        }

        RemoveAt(ref destination, position);
        return true;
    }

    public void RemoveAt(ref Destination destination, int position)
    {
        destination.Routes![position] = destination.Routes[--destination.RouteCount];
        RouteEntryCount--;
    }
}
