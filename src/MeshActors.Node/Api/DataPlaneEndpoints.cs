using MeshActors.DataPlane;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary><c>GET /api/v1/admin/dataplane</c>: what the packet path runs with, read from the data plane directly
/// (no actor): each UDP socket's datagram size and the kernel offloads in use.</summary>
public static class DataPlaneEndpoints
{
    public static IEndpointRouteBuilder MapDataPlaneApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/admin/dataplane", (NodeDataPlane dataPlane) =>
            Results.Ok(new DataPlaneView(dataPlane.Links.UdpOffloads().ToArray())));
        return routes;
    }

    /// <summary>The answer's shape: <c>{"udp": [{"endpoint", "maxDatagram", "segmentation", "coalescing", "segmentationFallbacks"}]}</c>.</summary>
    public sealed record DataPlaneView(IReadOnlyList<UdpOffloadState> Udp);
}
