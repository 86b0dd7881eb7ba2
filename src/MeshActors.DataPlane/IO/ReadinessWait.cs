namespace MeshActors.DataPlane.IO;

/// <summary>
/// One wait, on an <see cref="EventLoop"/>, until a descriptor is readable (or writable): how a link's handshake
/// waits for its socket without the runtime's socket engine.
/// <para>Why not <see cref="System.Net.Sockets.Socket"/>'s async calls: the first one adds the socket to the
/// runtime's own epoll set, edge-triggered, and nothing takes it out again while the socket lives. After the
/// handshake the event loop serves the socket, but every segment that arrived still woke the runtime's
/// ".NET Sockets" thread: on a 2-core machine a 3-node line carried 2.9–3.2 Gbit/s with those wake-ups and
/// 4.6–4.7 without (deploy/README.md).</para>
/// <para>Any event counts as ready (an error or hang-up too): the caller retries its call and sees the outcome.
/// The task completes off the loop thread; cancelling it takes the descriptor out of the loop's set. At most two
/// requests of one wait are ever queued on the loop (start, cancel), and serving either twice changes nothing.</para>
/// </summary>
internal sealed class ReadinessWait : ILoopClient
{
    private readonly int _fd;
    private readonly bool _writable;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _slot = -1;
    private bool _finished;

    private ReadinessWait(int fd, bool writable)
    {
        _fd = fd;
        _writable = writable;
    }

    /// <summary>Completes when <paramref name="fd"/> is readable, or also writable when <paramref name="writable"/>;
    /// the descriptor must stay open until the task completes.</summary>
    public static async Task WhenReady(EventLoop loop, int fd, bool writable, CancellationToken ct)
    {
        var wait = new ReadinessWait(fd, writable);
        await using var cancel = ct.Register(static state =>
        {
            var (w, l) = ((ReadinessWait, EventLoop))state!;
            if (w._ready.TrySetCanceled())
            {
                l.Request(w);
            }
        }, (wait, loop));
        loop.Request(wait);
        await wait._ready.Task.ConfigureAwait(false);
    }

    void ILoopClient.OnReadable(EventLoop loop) => Finish(loop);

    /// <summary>The first request (start watching), a cancellation, or — for a writable wait — the socket writable.</summary>
    void ILoopClient.OnService(EventLoop loop)
    {
        if (_finished)
        {
            return;
        }

        if (_slot >= 0)
        {
            Finish(loop);
            return;
        }

        if (_ready.Task.IsCompleted)
        {
            _finished = true;
            return;
        }

        _slot = loop.Attach(this);
        try
        {
            loop.Watch(_slot, _fd, _writable, add: true);
        }
        catch (IOException e)
        {
            loop.Detach(_slot);
            _slot = -1;
            _finished = true;
            _ready.TrySetException(e);
        }
    }

    void ILoopClient.OnTick(EventLoop loop)
    {
    }

    private void Finish(EventLoop loop)
    {
        _finished = true;
        loop.Unwatch(_fd);
        loop.Detach(_slot);
        _slot = -1;
        _ready.TrySetResult();
    }
}
