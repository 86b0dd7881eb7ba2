namespace MeshActors.Routing;

/// <summary>Live neighbours: host id ↔ compact index, and the link cost currently applied to routes through each.</summary>
internal sealed class NeighbourTable
{
    /// <summary>Index meaning "no neighbour"; also caps the table at 65,534 simultaneous neighbours.</summary>
    public const ushort None = ushort.MaxValue;

    private readonly Dictionary<NeighbourId, ushort> _indexById = new();
    private readonly Stack<ushort> _free = new();
    private NeighbourId[] _ids = new NeighbourId[8];
    private ushort[] _costs = new ushort[8];
    private int _highWater;

    public int Count => _indexById.Count;

    public bool TryGetIndex(NeighbourId id, out ushort index) => _indexById.TryGetValue(id, out index);

    public NeighbourId IdAt(ushort index) => _ids[index];

    public ushort CostAt(ushort index) => _costs[index];

    public void SetCost(ushort index, ushort cost) => _costs[index] = cost;

    public ushort Add(NeighbourId id, ushort cost)
    {
        if (!_free.TryPop(out var index))
        {
            if (_highWater == None)
            {
                throw new InvalidOperationException("too many neighbours");
            }

            index = (ushort)_highWater++;
            if (index >= _ids.Length)
            {
                Array.Resize(ref _ids, _ids.Length * 2);
                Array.Resize(ref _costs, _costs.Length * 2);
            }
        }

        _ids[index] = id;
        _costs[index] = cost;
        _indexById.Add(id, index);
        return index;
    }

    public void Remove(NeighbourId id)
    {
        if (_indexById.Remove(id, out var index))
        {
            _free.Push(index);
        }
    }
}
