using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Tun;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// The one thread reading the TUN device ("meshactors-tun-rx"). Keeps a batch of pooled buffers armed so the
/// device writes each packet straight to <see cref="BufferLayout.PacketOffset"/>, with headroom for the data and
/// link headers and tailroom for both tags: the packet is then sealed twice without being moved. Each packet goes
/// to <see cref="Forwarder.Originate"/> on this thread. Ends when the device is disposed (a read returns 0).
/// </summary>
internal sealed class TunReader
{
    /// <summary>Back-off (ms) when no buffer is free to arm a read: the packets wait in the kernel's queue meanwhile.</summary>
    private const int PoolExhaustedBackoffMs = 1;

    private readonly ITunDevice _tun;
    private readonly BufferPool _pool;
    private readonly Forwarder _forwarder;
    private readonly PacketBuffer?[] _buffers;
    private readonly Memory<byte>[] _slots;
    private readonly int[] _sizes;
    private readonly Thread _thread;

    public TunReader(ITunDevice tun, BufferPool pool, int batchSize, Forwarder forwarder)
    {
        if (pool.MaxPacket < tun.Mtu)
        {
            throw new ArgumentException($"pool buffers carry {pool.MaxPacket}-byte packets, less than the TUN MTU {tun.Mtu}");
        }

        _tun = tun;
        _pool = pool;
        _forwarder = forwarder;
        _buffers = new PacketBuffer?[batchSize];
        _slots = new Memory<byte>[batchSize];
        _sizes = new int[batchSize];
        _thread = new Thread(Run) { Name = "meshactors-tun-rx", IsBackground = true };
    }

    public void Start() => _thread.Start();

    /// <summary>Waits for the loop to end; the device must have been disposed first.</summary>
    public void Join()
    {
        if (_thread.IsAlive && _thread != Thread.CurrentThread)
        {
            _thread.Join();
        }
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                var armed = Arm();
                if (armed == 0)
                {
                    _forwarder.Counters.Drops.Increment(ForwardDrop.PoolExhausted);
                    Thread.Sleep(PoolExhaustedBackoffMs);
                    continue;
                }

                var count = _tun.ReadBatch(_slots.AsSpan(0, armed), _sizes);
                if (count == 0)
                {
                    return;
                }

                for (var i = 0; i < count; i++)
                {
                    var buffer = _buffers[i]!;
                    _buffers[i] = null;
                    buffer.Set(BufferLayout.PacketOffset, _sizes[i]);
                    _forwarder.Originate(buffer);
                }
            }
        }
        finally
        {
            for (var i = 0; i < _buffers.Length; i++)
            {
                _buffers[i]?.Return();
                _buffers[i] = null;
            }
        }
    }

    /// <summary>Fills empty slots with fresh buffers, front first; returns how many leading slots are armed.</summary>
    private int Arm()
    {
        for (var i = 0; i < _buffers.Length; i++)
        {
            if (_buffers[i] is null)
            {
                if (!_pool.TryRent(out var buffer))
                {
                    return i;
                }

                _buffers[i] = buffer;
                _slots[i] = buffer.Array.AsMemory(BufferLayout.PacketOffset, _pool.MaxPacket);
            }
        }

        return _buffers.Length;
    }
}
