using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.IO;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// What every link of one node shares: identity and admission (handshake settings), the one handshake responder,
/// the session index table, the buffer pool, the clock, options, and the data sink (forwarder). Control frames go
/// to each link's own <see cref="ControlInbox"/>, claimed by its actor. Created once per node by the actor layer.
/// </summary>
public sealed class LinkEnvironment : IDisposable
{
    private readonly bool _ownsLoops;
    private ILinkDataSink? _dataSink;

    /// <param name="shareLoopsWith">Serve this environment's links with another environment's event loops (which
    /// stay that one's to dispose): a tool or test that speaks as many identities from one process.</param>
    public LinkEnvironment(
        HandshakeSettings handshake, BufferPool pool, LinkOptions? options = null, IDataPlaneClock? clock = null, LinkEnvironment? shareLoopsWith = null)
    {
        Handshake = handshake;
        Pool = pool;
        Options = options ?? new LinkOptions();
        Clock = clock ?? SystemDataPlaneClock.Instance;
        Responder = new SharedResponder(handshake, Options.MaxHalfOpen);
        _ownsLoops = shareLoopsWith is null;
        Loops = shareLoopsWith?.Loops
            ?? new EventLoopPool(Options.IoThreads, Options.MaintenanceIntervalMs, Protocol.Frames.FrameLayout.MaxFrameSize + Protocol.Frames.TcpFraming.PrefixSize);
    }

    public HandshakeSettings Handshake { get; }

    public NodeIdentity Identity => Handshake.Identity;

    public SharedResponder Responder { get; }

    public SessionIndexTable Indexes { get; } = new();

    public BufferPool Pool { get; }

    public LinkOptions Options { get; }

    public IDataPlaneClock Clock { get; }

    /// <summary>The event-loop threads that serve every link of this node.</summary>
    internal EventLoopPool Loops { get; }

    /// <summary>Where opened Data payloads go (the forwarder). Null: they are dropped and counted.</summary>
    public ILinkDataSink? DataSink
    {
        get => Volatile.Read(ref _dataSink);
        set => Volatile.Write(ref _dataSink, value);
    }

    public void Dispose()
    {
        Responder.Dispose();
        if (_ownsLoops)
        {
            Loops.Dispose();
        }
    }
}
