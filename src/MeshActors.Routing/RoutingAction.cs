using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>Something the host must do after a call into <see cref="RoutingCore"/>.</summary>
public abstract record RoutingAction;

/// <summary>Send these updates to <paramref name="To"/>, or to every neighbour that is up when it is null.</summary>
public sealed record SendRouteUpdates(NeighbourId? To, IReadOnlyList<RouteUpdate> Updates) : RoutingAction;

/// <summary>Send these seqno requests to <paramref name="To"/>, or to every neighbour that is up when it is null.</summary>
public sealed record SendSeqnoRequests(NeighbourId? To, IReadOnlyList<SeqnoRequest> Requests) : RoutingAction;

/// <summary>
/// The selected route of <paramref name="Prefix"/> changed next hop or metric. <paramref name="NextHop"/> null means
/// no next hop: unreachable (metric infinity) or now originated by this node (metric 0). The host rebuilds its
/// <see cref="ForwardingSnapshot"/> after a call that produced any of these.
/// </summary>
public sealed record SelectedRouteChanged(RoutePrefix Prefix, NeighbourId? NextHop, ushort Metric) : RoutingAction;
