namespace MeshActors.Testing.Simulation;

/// <summary>Undirected test topologies over nodes 0..n-1; every builder returns a connected graph without duplicate edges.</summary>
public static class Topologies
{
    public static List<(int A, int B)> Line(int nodes)
    {
        var edges = new List<(int, int)>();
        for (var i = 0; i + 1 < nodes; i++)
        {
            edges.Add((i, i + 1));
        }

        return edges;
    }

    public static List<(int A, int B)> Ring(int nodes)
    {
        var edges = Line(nodes);
        edges.Add((nodes - 1, 0));
        return edges;
    }

    public static List<(int A, int B)> Grid(int width, int height)
    {
        var edges = new List<(int, int)>();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var node = (y * width) + x;
                if (x + 1 < width)
                {
                    edges.Add((node, node + 1));
                }

                if (y + 1 < height)
                {
                    edges.Add((node, node + width));
                }
            }
        }

        return edges;
    }

    /// <summary>
    /// Random spanning tree plus random extra edges until the average degree reaches <paramref name="averageDegree"/>.
    /// </summary>
    public static List<(int A, int B)> SeededRandom(int nodes, double averageDegree, int seed)
    {
        var random = new Random(seed);
        var edges = new HashSet<(int, int)>();
        for (var i = 1; i < nodes; i++)
        {
            edges.Add(Ordered(i, random.Next(i)));
        }

        var target = (long)Math.Round(nodes * averageDegree / 2);
        while (edges.Count < target)
        {
            var a = random.Next(nodes);
            var b = random.Next(nodes);
            if (a != b)
            {
                edges.Add(Ordered(a, b));
            }
        }

        return [.. edges];
    }

    /// <summary>
    /// Random geometric graph: nodes uniform in the unit square, each linked to its nearest
    /// <c>averageDegree / 2</c> neighbours (so the average degree is about <paramref name="averageDegree"/>),
    /// then components joined through their closest pairs so the graph is connected.
    /// </summary>
    public static List<(int A, int B)> RandomGeometric(int nodes, double averageDegree, int seed)
    {
        var random = new Random(seed);
        var points = new (double X, double Y)[nodes];
        for (var i = 0; i < nodes; i++)
        {
            points[i] = (random.NextDouble(), random.NextDouble());
        }

        double Distance(int a, int b) => Math.Pow(points[a].X - points[b].X, 2) + Math.Pow(points[a].Y - points[b].Y, 2);

        var edges = new HashSet<(int, int)>();
        var nearest = Math.Max(1, (int)Math.Round(averageDegree / 2));
        var order = new int[nodes];
        for (var i = 0; i < nodes; i++)
        {
            for (var j = 0; j < nodes; j++)
            {
                order[j] = j;
            }

            Array.Sort(order, (a, b) => Distance(i, a).CompareTo(Distance(i, b)));
            for (var k = 1; k <= Math.Min(nearest, nodes - 1); k++)
            {
                edges.Add(Ordered(i, order[k]));
            }
        }

        var components = new UnionFind(nodes);
        foreach (var (a, b) in edges)
        {
            components.Union(a, b);
        }

        for (var a = 0; a < nodes; a++)
        {
            if (components.Find(a) == components.Find(0))
            {
                continue;
            }

            var closest = -1;
            for (var b = 0; b < nodes; b++)
            {
                if (components.Find(b) == components.Find(0) && (closest < 0 || Distance(a, b) < Distance(a, closest)))
                {
                    closest = b;
                }
            }

            edges.Add(Ordered(a, closest));
            components.Union(a, closest);
        }

        return [.. edges];
    }

    private static (int, int) Ordered(int a, int b) => a < b ? (a, b) : (b, a);

    private sealed class UnionFind(int size)
    {
        private readonly int[] _parent = Enumerable.Range(0, size).ToArray();

        public int Find(int x)
        {
            while (_parent[x] != x)
            {
                _parent[x] = _parent[_parent[x]];
                x = _parent[x];
            }

            return x;
        }

        public void Union(int a, int b) => _parent[Find(a)] = Find(b);
    }
}
