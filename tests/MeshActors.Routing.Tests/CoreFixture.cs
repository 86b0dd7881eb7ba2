using MeshActors.Protocol.Routing;
using MeshActors.Routing;
using MeshActors.Testing.Simulation;

namespace MeshActors.Routing.Tests;

/// <summary>One core under test, named "me" = node 0, with neighbours A = n1 and B = n2 at cost 10.</summary>
internal sealed class CoreFixture
{
    public static readonly NeighbourId A = new(1);
    public static readonly NeighbourId B = new(2);
    public static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);

    public CoreFixture(IPrefixOwnership? ownership = null, RoutingSettings? settings = null)
    {
        // Full dumps every 1,000 s (first at T0 + 198 s for node 0's phase) keep them out of the unit tests' way.
        var quiet = RoutingSettings.Default with { Timers = new RoutingTimers { UpdateInterval = TimeSpan.FromSeconds(1000), RouteExpiry = TimeSpan.FromSeconds(70) } };
        Core = new RoutingCore(SimulatedIdentity.RouterIdOf(0), ownership ?? SimulatedIdentity.Ownership, settings ?? quiet, T0);
        Core.AddLocalPrefix(SimulatedIdentity.SubnetOf(0), T0);
        Core.NeighbourUp(A, 10, T0);
        Core.NeighbourUp(B, 10, T0);
    }

    public RoutingCore Core { get; }

    public static RouteUpdate Update(int originatorNode, ushort seqno, ushort metric) =>
        new(SimulatedIdentity.SubnetOf(originatorNode), seqno, metric, SimulatedIdentity.RouterIdOf(originatorNode));

    public IReadOnlyList<RoutingAction> Receive(NeighbourId from, TimeSpan at, params RouteUpdate[] updates) =>
        Core.ReceiveUpdates(from, updates, at);

    public SelectedRoute Selected(int destinationNode)
    {
        Assert.True(Core.TryGetSelectedRoute(SimulatedIdentity.SubnetOf(destinationNode), out var route), $"no route to {destinationNode}");
        return route;
    }

    public bool HasRoute(int destinationNode) => Core.TryGetSelectedRoute(SimulatedIdentity.SubnetOf(destinationNode), out _);

    /// <summary>Ticks at <paramref name="at"/> and returns the updates sent to all neighbours.</summary>
    public List<RouteUpdate> BroadcastAt(TimeSpan at) =>
        Core.Tick(at).OfType<SendRouteUpdates>().Where(send => send.To is null).SelectMany(send => send.Updates).ToList();
}
