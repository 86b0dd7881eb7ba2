using System.Collections.Concurrent;
using MeshActors.DataPlane.Links;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MeshActors.DataPlane.IO;

/// <summary>
/// One event-loop thread ("meshactors-io-N") serving many links: an epoll set of their sockets and an eventfd that
/// other threads ring when they queue work for a link (<see cref="Request"/>).
/// <para>Pipeline per wake-up: epoll_wait (sleeps until a socket is readable or writable, a request arrives or the
/// next maintenance tick is due) → readable sockets: the link reads and opens frames with the loop's one receive
/// buffer → requests and writable sockets: the link seals and sends what its send ring holds without blocking →
/// every <see cref="MaintenanceIntervalMs"/>: each client's tick. Level-triggered: a socket with more bytes than one
/// wake-up reads (a busy link yields to the others) is reported again.</para>
/// <para>Thread ownership: the epoll registrations, client slots and <see cref="ReceiveBuffer"/> belong to the loop
/// thread; <see cref="Request"/> is the only call from other threads (a lock-free queue, no allocation in steady
/// state). Linux only (epoll).</para>
/// </summary>
internal sealed unsafe class EventLoop : IDisposable
{
    /// <summary>Events taken per epoll_wait: enough that a loop with thousands of idle links wakes once for a burst.</summary>
    private const int MaxEvents = 128;

    /// <summary>epoll data of the wake-up eventfd (client slots are below 2^31).</summary>
    private const ulong WakeToken = ulong.MaxValue;

    private readonly int _epoll;
    private readonly int _wakeFd;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<ILoopClient> _requests = new();
    private readonly List<ILoopClient?> _slots = [];
    private readonly List<uint> _generations = [];
    private readonly Stack<int> _free = new();
    private readonly int _maintenanceMs;
    private int _sleeping;
    private volatile bool _stopping;

    public EventLoop(int index, int maintenanceIntervalMs, int receiveBufferSize)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("links need epoll (Linux)");
        }

        _maintenanceMs = maintenanceIntervalMs;
        ReceiveBuffer = new byte[receiveBufferSize];
        _epoll = epoll_create1(EPOLL_CLOEXEC);
        _wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_epoll < 0 || _wakeFd < 0)
        {
            throw new IOException($"cannot create the event loop: errno {errno}");
        }

        Control(EPOLL_CTL_ADD, _wakeFd, EPOLLIN, WakeToken);
        _thread = new Thread(Run) { Name = $"meshactors-io-{index}", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Scratch for socket reads, loop thread only: frames are opened in place in it.</summary>
    public byte[] ReceiveBuffer { get; }

    /// <summary>Scratch where a UDP link lays out the sealed Segment frames of one long payload, loop thread only.</summary>
    public byte[] SegmentBuffer { get; } = new byte[SegmentLayout.MaxDatagramBytes];

    /// <summary>Clients attached right now.</summary>
    public int Clients { get; private set; }

    public bool IsLoopThread => Thread.CurrentThread == _thread;

    public int MaintenanceIntervalMs => _maintenanceMs;

    /// <summary>Any thread: run <paramref name="client"/>'s <see cref="ILoopClient.OnService"/> on the loop soon. The
    /// caller deduplicates (one request in flight per client).</summary>
    public void Request(ILoopClient client)
    {
        _requests.Enqueue(client);
        if (Volatile.Read(ref _sleeping) != 0 && Interlocked.Exchange(ref _sleeping, 0) != 0)
        {
            ulong one = 1;
            write(_wakeFd, &one, sizeof(ulong));
        }
    }

    /// <summary>Loop thread: a slot for <paramref name="client"/> (ticks start); its handle for <see cref="Watch"/>.</summary>
    public int Attach(ILoopClient client)
    {
        int slot;
        if (_free.Count > 0)
        {
            slot = _free.Pop();
            _slots[slot] = client;
        }
        else
        {
            slot = _slots.Count;
            _slots.Add(client);
            _generations.Add(0);
        }

        Clients++;
        return slot;
    }

    /// <summary>Loop thread: stop serving the slot (the descriptor must be unwatched first, or be closed).</summary>
    public void Detach(int slot)
    {
        _slots[slot] = null;
        _generations[slot]++;
        _free.Push(slot);
        Clients--;
    }

    /// <summary>Loop thread: report <paramref name="fd"/> to the slot's client when readable, and also when writable.</summary>
    public void Watch(int slot, int fd, bool writable, bool add)
    {
        var events = EPOLLIN | EPOLLRDHUP | (writable ? EPOLLOUT : 0);
        Control(add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, events, Token(slot));
    }

    /// <summary>Loop thread: forget <paramref name="fd"/> (before it is closed).</summary>
    public void Unwatch(int fd)
    {
        epoll_event unused = default;
        epoll_ctl(_epoll, EPOLL_CTL_DEL, fd, &unused);
    }

    public void Dispose()
    {
        _stopping = true;
        ulong one = 1;
        write(_wakeFd, &one, sizeof(ulong));
        if (!IsLoopThread)
        {
            _thread.Join();
        }

        close(_epoll);
        close(_wakeFd);
    }

    private ulong Token(int slot) => ((ulong)_generations[slot] << 32) | (uint)slot;

    private void Control(int operation, int fd, int events, ulong token)
    {
        var ev = new epoll_event { events = events };
        ev.data.u64 = token;
        if (epoll_ctl(_epoll, operation, fd, &ev) != 0)
        {
            throw new IOException($"epoll_ctl failed: errno {errno}");
        }
    }

    private void Run()
    {
        var events = stackalloc epoll_event[MaxEvents];
        var nextTick = Environment.TickCount64 + _maintenanceMs;
        while (!_stopping)
        {
            var timeout = (int)Math.Clamp(nextTick - Environment.TickCount64, 0, _maintenanceMs);

            // Announce the sleep, then look at the queue once more: a request queued in between rings the eventfd.
            Interlocked.Exchange(ref _sleeping, 1);
            if (!_requests.IsEmpty)
            {
                timeout = 0;
            }

            var count = epoll_wait(_epoll, events, MaxEvents, timeout);
            Volatile.Write(ref _sleeping, 0);
            for (var i = 0; i < count; i++)
            {
                Dispatch(events[i]);
            }

            while (_requests.TryDequeue(out var client))
            {
                Guard(client, static (c, loop) => c.OnService(loop));
            }

            if (Environment.TickCount64 >= nextTick)
            {
                nextTick = Environment.TickCount64 + _maintenanceMs;
                for (var slot = 0; slot < _slots.Count; slot++)
                {
                    if (_slots[slot] is { } client)
                    {
                        Guard(client, static (c, loop) => c.OnTick(loop));
                    }
                }
            }
        }
    }

    private void Dispatch(in epoll_event ev)
    {
        var token = ev.data.u64;
        if (token == WakeToken)
        {
            ulong value;
            read(_wakeFd, &value, sizeof(ulong));
            return;
        }

        var slot = (int)(uint)token;
        if (slot >= _slots.Count || _generations[slot] != (uint)(token >> 32) || _slots[slot] is not { } client)
        {
            return; // the client left earlier in this batch
        }

        if ((ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0)
        {
            Guard(client, static (c, loop) => c.OnReadable(loop));
        }

        if ((ev.events & EPOLLOUT) != 0 && _slots[slot] == client)
        {
            Guard(client, static (c, loop) => c.OnService(loop));
        }
    }

    /// <summary>A client's bug must not end the loop that serves every other link.</summary>
    private void Guard(ILoopClient client, Action<ILoopClient, EventLoop> call)
    {
        try
        {
            call(client, this);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            System.Diagnostics.Trace.TraceError($"event loop client {client} failed: {e}");
        }
    }
}
