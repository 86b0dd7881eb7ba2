using MeshActors.Crypto;
using MeshActors.Crypto.EndToEnd;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Transports;

namespace MeshActors.DataPlane;

/// <summary>
/// Everything below the actors for one node, built before the actor system and torn down after it: the packet
/// buffer pool, the end-to-end session cache, the forwarder and the link listeners. The TUN device is not here:
/// its actor opens it and attaches it to the forwarder (<see cref="Forwarder.AttachTun"/>).
/// </summary>
/// <remarks>A listen endpoint that cannot be opened throws <see cref="ListenFailedException"/> or
/// <see cref="TransportNotSupportedException"/>, with nothing left running.</remarks>
public sealed class NodeDataPlane : IAsyncDisposable
{
    private NodeDataPlane(BufferPool pool, Forwarder forwarder, NodeLinks links)
    {
        Pool = pool;
        Forwarder = forwarder;
        Links = links;
    }

    public BufferPool Pool { get; }

    public Forwarder Forwarder { get; }

    public NodeLinks Links { get; }

    /// <param name="messages">Where the forwarder hands decrypted message-bus chunks (the node's bus inlet).</param>
    public static NodeDataPlane Start(NodeIdentity identity, DataPlaneSetup setup, MessageHandler? messages)
    {
        var pool = new BufferPool(setup.PoolBuffers, setup.BufferSize);
        pool.Prewarm(setup.PrewarmBuffers);
        var sessions = new EndToEndSessionCache(identity, EndToEndLimits.DefaultCapacity, () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var forwarder = new Forwarder(identity, pool, sessions, setup.Forwarding, messages);
        NodeLinks links;
        try
        {
            links = NodeLinks.Open(identity, setup.Admission, pool, setup.Listen, setup.Links);
        }
        catch
        {
            forwarder.Dispose();
            throw;
        }

        links.Environment.DataSink = forwarder;
        return new NodeDataPlane(pool, forwarder, links);
    }

    public async ValueTask DisposeAsync()
    {
        await Links.DisposeAsync();
        Forwarder.Dispose();
    }
}
