using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// Feasibility distances per source (destination, originator), RFC 8966 section 3.5. The distance is the best
/// (seqno, metric) this node has advertised; an update is feasible when its seqno is newer, or equal with a
/// strictly smaller metric. That rule alone keeps every selected route loop-free.
/// </summary>
internal sealed class SourceTable
{
    private readonly Dictionary<long, Distance> _distances = new();

    public int Count => _distances.Count;

    public static long Key(int destination, int originator) => ((long)destination << 32) | (uint)originator;

    public static int DestinationOf(long key) => (int)(key >> 32);

    public static int OriginatorOf(long key) => (int)(uint)key;

    public bool TryGet(int destination, int originator, out ushort seqno, out ushort metric)
    {
        if (_distances.TryGetValue(Key(destination, originator), out var distance))
        {
            (seqno, metric) = (distance.Seqno, distance.Metric);
            return true;
        }

        (seqno, metric) = (0, 0);
        return false;
    }

    public bool IsFeasible(int destination, int originator, ushort seqno, ushort advertisedMetric)
    {
        if (advertisedMetric == RouteMetric.Infinity)
        {
            return false;
        }

        if (!_distances.TryGetValue(Key(destination, originator), out var distance))
        {
            return true;
        }

        return Seqno.IsNewer(seqno, distance.Seqno) || (seqno == distance.Seqno && advertisedMetric < distance.Metric);
    }

    /// <summary>Records an advertisement of (seqno, metric): the distance only ever improves; the GC deadline moves on.</summary>
    public void OnAdvertised(int destination, int originator, ushort seqno, ushort metric, int gcAt)
    {
        ref var distance = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(
            _distances, Key(destination, originator), out var exists);
        if (!exists || Seqno.IsNewer(seqno, distance.Seqno) || (seqno == distance.Seqno && metric < distance.Metric))
        {
            distance.Seqno = seqno;
            distance.Metric = metric;
        }

        distance.GcAt = gcAt;
    }

    /// <summary>Forgets sources not advertised since <paramref name="now"/> (coarse units).</summary>
    public void CollectGarbage(int now, List<long> scratch)
    {
        scratch.Clear();
        foreach (var (key, distance) in _distances)
        {
            if (distance.GcAt <= now)
            {
                scratch.Add(key);
            }
        }

        foreach (var key in scratch)
        {
            _distances.Remove(key);
        }
    }

    private struct Distance
    {
        public ushort Seqno;
        public ushort Metric;
        public int GcAt;
    }
}
