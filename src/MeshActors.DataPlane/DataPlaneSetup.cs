using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;

namespace MeshActors.DataPlane;

/// <summary>What a node's data plane is built with; the node fills it from its settings.</summary>
public sealed record DataPlaneSetup
{
    /// <summary>Bytes of one pool buffer (<see cref="Buffers.BufferLayout.BufferSizeFor"/> of the TUN MTU).</summary>
    public required int BufferSize { get; init; }

    /// <summary>Buffers in the pool: the budget divided by <see cref="BufferSize"/>, within the node's bounds.</summary>
    public required int PoolBuffers { get; init; }

    /// <summary>Buffers the pool creates at start (at most <see cref="PoolBuffers"/>).</summary>
    public required int PrewarmBuffers { get; init; }

    public required AdmissionPolicy Admission { get; init; }

    /// <summary>Link endpoints to accept on.</summary>
    public required IReadOnlyList<PeerUri> Listen { get; init; }

    public required LinkOptions Links { get; init; }

    public required ForwarderOptions Forwarding { get; init; }
}
