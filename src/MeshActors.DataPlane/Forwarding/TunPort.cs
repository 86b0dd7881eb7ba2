using MeshActors.Protocol.Counting;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Tun;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// One TUN device attached to the forwarder with its two threads: the reader (<see cref="TunReader"/>) and the
/// writer with its bounded ring (<see cref="TunWriter"/>). Started together by <see cref="Forwarder.AttachTun"/>,
/// stopped together by <see cref="Forwarder.DetachTun"/>; owns the device from then on.
/// </summary>
internal sealed class TunPort
{
    private readonly ITunDevice _device;
    private readonly TunReader _reader;

    public TunPort(ITunDevice device, BufferPool pool, ForwarderOptions options, Forwarder forwarder)
    {
        _device = device;
        Writer = new TunWriter(device, options.TunWriteRingCapacity, options.TunBatchSize, forwarder.Counters);
        _reader = new TunReader(device, pool, options.TunBatchSize, forwarder);
    }

    public TunWriter Writer { get; }

    public (string Name, TunOffload Offload, CounterSet<TunOffloadEvent>? OffloadCounters) State =>
        (_device.Name, _device.Offload, _device.OffloadCounters);

    public void Start()
    {
        Writer.Start();
        _reader.Start();
    }

    /// <summary>Disposes the device, which ends the reader; then stops the writer and returns its queued buffers.</summary>
    public void Stop()
    {
        _device.Dispose();
        _reader.Join();
        Writer.Stop();
    }
}
