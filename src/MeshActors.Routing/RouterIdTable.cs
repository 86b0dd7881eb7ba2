using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// Interns 32-byte router ids as dense ints so route entries stay 16 bytes. One table per node; a simulator may
/// share one across all its cores to save memory (single-threaded use only). Ids are never removed: the table
/// grows with the number of distinct originators that passed the ownership check.
/// </summary>
public sealed class RouterIdTable
{
    private readonly Dictionary<RouterId, int> _indexById = new();
    private readonly List<RouterId> _ids = new();

    public int Count => _ids.Count;

    public int Intern(RouterId id)
    {
        if (!_indexById.TryGetValue(id, out var index))
        {
            index = _ids.Count;
            _ids.Add(id);
            _indexById.Add(id, index);
        }

        return index;
    }

    public bool TryGetIndex(RouterId id, out int index) => _indexById.TryGetValue(id, out index);

    public RouterId this[int index] => _ids[index];
}
