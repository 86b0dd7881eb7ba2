namespace MeshActors.DataPlane.IO;

/// <summary>
/// The node's fixed set of <see cref="EventLoop"/> threads (<c>links.io-threads</c>): every link is served by one of
/// them, so the thread count stays flat however many links a node holds. A new link goes to the loop with the
/// fewest clients.
/// </summary>
internal sealed class EventLoopPool : IDisposable
{
    private readonly EventLoop[] _loops;
    private readonly Lock _pick = new();
    private readonly int[] _assigned;
    private int _nextWait;

    public EventLoopPool(int threads, int maintenanceIntervalMs, int receiveBufferSize)
    {
        _loops = new EventLoop[threads];
        _assigned = new int[threads];
        for (var i = 0; i < threads; i++)
        {
            _loops[i] = new EventLoop(i, maintenanceIntervalMs, receiveBufferSize);
        }
    }

    public int Count => _loops.Length;

    /// <summary>The loop for a new link (counted until <see cref="Release"/>).</summary>
    public EventLoop Take()
    {
        lock (_pick)
        {
            var best = 0;
            for (var i = 1; i < _loops.Length; i++)
            {
                if (_assigned[i] < _assigned[best])
                {
                    best = i;
                }
            }

            _assigned[best]++;
            return _loops[best];
        }
    }

    /// <summary>A loop for a short wait (a handshake's), round robin and not counted.</summary>
    public EventLoop ForWaits() => _loops[(int)((uint)Interlocked.Increment(ref _nextWait) % (uint)_loops.Length)];

    public void Release(EventLoop loop)
    {
        lock (_pick)
        {
            _assigned[Array.IndexOf(_loops, loop)]--;
        }
    }

    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }
    }
}
