using MeshActors.Routing;

namespace MeshActors.Testing.Simulation;

/// <summary>
/// Checks over the routing state of a whole simulated network. Destinations are the nodes' subnets; the
/// forwarding graph of a destination has an edge from each node to every next hop it may use (selected route
/// and equal-cost alternatives).
/// </summary>
public static class RoutingInvariants
{
    /// <summary>Describes the first forwarding loop found among selected routes, or null when there is none.</summary>
    public static string? FindLoop(NetworkSimulator simulator)
    {
        var count = simulator.NodeCount;
        var hops = new List<NeighbourId>();
        var state = new byte[count];
        var stack = new Stack<(int Node, int Next)>();
        var nextHops = new int[count][];
        for (var destination = 0; destination < count; destination++)
        {
            var prefix = SimulatedIdentity.SubnetOf(destination);
            for (var node = 0; node < count; node++)
            {
                simulator.Cores[node].TryGetNextHops(prefix, hops);
                nextHops[node] = [.. hops.Select(hop => hop.Value)];
            }

            // Iterative three-colour DFS: 0 unvisited, 1 on the current path, 2 finished.
            Array.Clear(state);
            for (var root = 0; root < count; root++)
            {
                if (state[root] != 0)
                {
                    continue;
                }

                stack.Push((root, 0));
                state[root] = 1;
                while (stack.TryPop(out var frame))
                {
                    if (frame.Next == nextHops[frame.Node].Length)
                    {
                        state[frame.Node] = 2;
                        continue;
                    }

                    stack.Push((frame.Node, frame.Next + 1));
                    var hop = nextHops[frame.Node][frame.Next];
                    if (state[hop] == 1)
                    {
                        return $"loop towards node {destination} through node {hop} (reached from {frame.Node}) at {simulator.Now}";
                    }

                    if (state[hop] == 0)
                    {
                        state[hop] = 1;
                        stack.Push((hop, 0));
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Lists violations of convergence: a node lacking a working route (its primary next hops must lead to the
    /// destination over links that are up) to a destination it can reach, or holding a route to one it cannot.
    /// </summary>
    public static List<string> ConvergenceViolations(NetworkSimulator simulator, int maxReported = 10)
    {
        var violations = new List<string>();
        var count = simulator.NodeCount;
        var component = Components(simulator);
        for (var destination = 0; destination < count && violations.Count < maxReported; destination++)
        {
            var prefix = SimulatedIdentity.SubnetOf(destination);
            for (var node = 0; node < count && violations.Count < maxReported; node++)
            {
                if (node == destination)
                {
                    continue;
                }

                var hasRoute = simulator.Cores[node].TryGetSelectedRoute(prefix, out _);
                var reachable = component[node] == component[destination];
                if (!reachable && hasRoute)
                {
                    violations.Add($"node {node} still routes to unreachable {destination}");
                }
                else if (reachable && !ReachesDestination(simulator, node, destination))
                {
                    violations.Add($"node {node} has no working route to reachable {destination}");
                }
            }
        }

        return violations;
    }

    public static bool IsConverged(NetworkSimulator simulator) => ConvergenceViolations(simulator, 1).Count == 0;

    private static bool ReachesDestination(NetworkSimulator simulator, int node, int destination)
    {
        var prefix = SimulatedIdentity.SubnetOf(destination);
        for (var steps = 0; steps < simulator.NodeCount; steps++)
        {
            if (!simulator.Cores[node].TryGetSelectedRoute(prefix, out var route))
            {
                return false;
            }

            var link = simulator.Link(node, route.NextHop.Value);
            if (!link.IsUp)
            {
                return false;
            }

            node = route.NextHop.Value;
            if (node == destination)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Connected components over links that are physically up, whether or not the cores noticed yet: routing has
    /// converged only once it matches the physical network.
    /// </summary>
    private static int[] Components(NetworkSimulator simulator)
    {
        var component = new int[simulator.NodeCount];
        Array.Fill(component, -1);
        var queue = new Queue<int>();
        for (var start = 0; start < simulator.NodeCount; start++)
        {
            if (component[start] >= 0)
            {
                continue;
            }

            component[start] = start;
            queue.Enqueue(start);
            while (queue.TryDequeue(out var node))
            {
                foreach (var link in simulator.LinksOf(node))
                {
                    var other = link.Other(node);
                    if (link.IsUp && component[other] < 0)
                    {
                        component[other] = start;
                        queue.Enqueue(other);
                    }
                }
            }
        }

        return component;
    }
}
