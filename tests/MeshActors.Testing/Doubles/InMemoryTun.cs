using System.Collections.Concurrent;
using MeshActors.DataPlane.Tun;

namespace MeshActors.Testing.Doubles;

/// <summary>
/// A TUN device in memory: the test plays the operating system. <see cref="Inject"/> queues a packet the node will
/// read; <see cref="TryTakeWritten"/> takes a packet the node wrote. Both directions are bounded queues (capacity
/// per direction); a full inbound queue refuses injection, a full outbound queue makes writes
/// <see cref="TunWriteStatus.Rejected"/>. Dispose wakes a blocked reader, as the real devices do.
/// </summary>
public sealed class InMemoryTun : ITunDevice
{
    private readonly BlockingCollection<byte[]> _toNode;
    private readonly BlockingCollection<byte[]> _fromNode;
    private readonly CancellationTokenSource _disposed = new();

    public InMemoryTun(string name = "memtun0", int mtu = 1400, int capacity = 1024)
    {
        Name = name;
        Mtu = mtu;
        _toNode = new BlockingCollection<byte[]>(capacity);
        _fromNode = new BlockingCollection<byte[]>(capacity);
    }

    public string Name { get; }

    public int Mtu { get; }

    public bool IsDisposed => _disposed.IsCancellationRequested;

    /// <summary>Packets the node wrote and nobody took yet.</summary>
    public int WrittenCount => _fromNode.Count;

    /// <summary>Hands a packet to the node as if the operating system had routed it into the interface.</summary>
    public bool Inject(ReadOnlySpan<byte> packet) => !IsDisposed && _toNode.TryAdd(packet.ToArray());

    /// <summary>Takes the next packet the node wrote, waiting up to <paramref name="timeout"/>.</summary>
    public bool TryTakeWritten(TimeSpan timeout, out byte[] packet) => _fromNode.TryTake(out packet!, timeout);

    public int Read(Span<byte> buffer)
    {
        if (!TryTakeBlocking(out var packet))
        {
            return 0;
        }

        packet.CopyTo(buffer);
        return packet.Length;
    }

    public int ReadBatch(ReadOnlySpan<Memory<byte>> buffers, Span<int> sizes)
    {
        if (buffers.IsEmpty || !TryTakeBlocking(out var packet))
        {
            return 0;
        }

        var count = 0;
        do
        {
            packet.CopyTo(buffers[count].Span);
            sizes[count] = packet.Length;
            count++;
        }
        while (count < buffers.Length && _toNode.TryTake(out packet!));

        return count;
    }

    public TunWriteStatus Write(ReadOnlySpan<byte> packet)
    {
        if (IsDisposed)
        {
            return TunWriteStatus.Closed;
        }

        return _fromNode.TryAdd(packet.ToArray()) ? TunWriteStatus.Written : TunWriteStatus.Rejected;
    }

    public int WriteBatch(ReadOnlySpan<ReadOnlyMemory<byte>> packets, out int rejected)
    {
        rejected = 0;
        for (var i = 0; i < packets.Length; i++)
        {
            switch (Write(packets[i].Span))
            {
                case TunWriteStatus.Closed:
                    return i;
                case TunWriteStatus.Rejected:
                    rejected++;
                    break;
            }
        }

        return packets.Length;
    }

    public void Dispose() => _disposed.Cancel();

    private bool TryTakeBlocking(out byte[] packet)
    {
        packet = [];
        try
        {
            packet = _toNode.Take(_disposed.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
