using MeshActors.DataPlane;
using MeshActors.DataPlane.Transports;
using MeshActors.DataPlane.Tun;
using MeshActors.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary><c>GET /api/v1/admin/dataplane</c>: what the packet path runs with, read from the data plane directly
/// (no actor): each UDP socket's datagram size and the kernel offloads in use, the buffer pool's fill and the
/// process's managed memory (to see where a node's memory is after load).</summary>
public static class DataPlaneEndpoints
{
    public static IEndpointRouteBuilder MapDataPlaneApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/admin/dataplane", (NodeDataPlane dataPlane) =>
            Results.Ok(new DataPlaneView(
                dataPlane.Forwarder.TunState is { } tun
                    ? new TunView(tun.Name, TunOffloadNames.Describe(tun.Offload), tun.OffloadCounters?.ToDictionary())
                    : null,
                dataPlane.Links.UdpOffloads().ToArray(),
                new PoolView(dataPlane.Pool.Capacity, dataPlane.Pool.BufferSize, dataPlane.Pool.Created, dataPlane.Pool.Available),
                MemoryView.Now())));
        return routes;
    }

    /// <summary>The answer's shape: <c>{"tun": {"name", "offload", "offloadEvents"} or null, "udp": [{"endpoint", "maxDatagram",
    /// "segmentation", "coalescing", "segmentationFallbacks"}], "pool": {…}, "memory": {…}}</c>.</summary>
    public sealed record DataPlaneView(TunView? Tun, IReadOnlyList<UdpOffloadState> Udp, PoolView Pool, MemoryView Memory);

    /// <summary>The attached TUN device, what it leaves to the kernel (<c>none</c> or e.g. <c>checksum+tso+uso</c>,
    /// <see cref="TunOffloadNames.Describe"/>) and, with segmentation offload, what the offloads did
    /// (<see cref="TunOffloadEvent"/>, snake_case), else null.</summary>
    public sealed record TunView(string Name, string Offload, IReadOnlyDictionary<string, long>? OffloadEvents);

    /// <summary>Buffers the pool may hold, their size, how many exist and how many of those are free.</summary>
    public sealed record PoolView(int Capacity, int BufferSize, int Created, int Available);

    /// <summary>The managed heap as the last collection left it (<see cref="GC.GetGCMemoryInfo()"/>) and the process's
    /// working set, bytes; the pause of the last blocking full collection.</summary>
    public sealed record MemoryView(
        long WorkingSetBytes, long HeapBytes, long FragmentedBytes, long CommittedBytes, long TotalAllocatedBytes, int Gen2Collections, double LastFullGcPauseMs)
    {
        public static MemoryView Now()
        {
            var info = GC.GetGCMemoryInfo();
            return new MemoryView(
                Environment.WorkingSet,
                info.HeapSizeBytes,
                info.FragmentedBytes,
                info.TotalCommittedBytes,
                GC.GetTotalAllocatedBytes(),
                GC.CollectionCount(2),
                GC.GetGCMemoryInfo(GCKind.FullBlocking).PauseDurations[0].TotalMilliseconds);
        }
    }
}
