using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>A selected route as reported to the host (for the API, logs and tests).</summary>
public readonly record struct SelectedRoute(
    RoutePrefix Prefix, NeighbourId NextHop, ushort Metric, RouterId Originator, ushort Seqno);
