using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Tun;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// The one thread allowed to write the TUN device ("meshactors-tun-tx"). Link reader threads (decrypted packets)
/// and the TUN reader thread (ICMP errors) queue buffers on a bounded ring (full: dropped and counted); this loop
/// hands them to the device in batches and returns the buffers. Ends when <see cref="Stop"/> completes the ring
/// or the device reports it was closed.
/// </summary>
internal sealed class TunWriter
{
    /// <summary>Idle wake-up period (ms) of the writer; only bounds how long a stop takes to be noticed.</summary>
    private const int IdleWaitMs = 1_000;

    private readonly ITunDevice _tun;
    private readonly PacketQueue _queue;
    private readonly ForwarderCounters _counters;
    private readonly PacketBuffer[] _batch;
    private readonly Memory<byte>[] _packets;
    private readonly Thread _thread;

    public TunWriter(ITunDevice tun, int capacity, int batchSize, ForwarderCounters counters)
    {
        _tun = tun;
        _queue = new PacketQueue(capacity);
        _counters = counters;
        _batch = new PacketBuffer[batchSize];
        _packets = new Memory<byte>[batchSize];
        _thread = new Thread(Run) { Name = "meshactors-tun-tx", IsBackground = true };
    }

    public void Start() => _thread.Start();

    /// <summary>Queues a packet (its <see cref="PacketBuffer.Span"/>) for the device; takes ownership of the buffer.</summary>
    public void Enqueue(PacketBuffer packet)
    {
        if (_queue.TryEnqueue(packet))
        {
            return;
        }

        _counters.Drops.Increment(ForwardDrop.TunRingFull);
    }

    public void Stop()
    {
        _queue.Complete();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        // The queue is not disposed: a link thread that picked this writer just before a detach may still enqueue
        // and signal it; its semaphore holds no OS handle, so the collector frees it.
        _queue.Drain();
    }

    private void Run()
    {
        while (_queue.WaitForItems(IdleWaitMs) || !_queue.IsCompleted)
        {
            var count = 0;
            while (count < _batch.Length && _queue.TryDequeue(out var buffer))
            {
                _batch[count] = buffer;
                _packets[count] = buffer.Array.AsMemory(buffer.Start, buffer.Length);
                count++;
            }

            if (count == 0)
            {
                continue;
            }

            var consumed = _tun.WriteBatch(_packets.AsSpan(0, count), out var rejected);
            for (var i = 0; i < count; i++)
            {
                _batch[i].Return();
                _batch[i] = null!;
                _packets[i] = default;
            }

            for (var i = 0; i < rejected; i++)
            {
                _counters.Drops.Increment(ForwardDrop.TunRejected);
            }

            for (var i = rejected; i < consumed; i++)
            {
                _counters.Packets.Increment(ForwardPath.DeliveredTun);
            }

            if (consumed < count)
            {
                return;
            }
        }
    }
}
