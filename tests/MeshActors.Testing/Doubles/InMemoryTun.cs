using System.Collections.Concurrent;
using MeshActors.DataPlane.Tun;
using MeshActors.Protocol;

namespace MeshActors.Testing.Doubles;

/// <summary>
/// A TUN device in memory: the test plays the operating system. <see cref="Inject"/> queues a packet the node will
/// read; <see cref="TryTakeWritten"/> takes a packet the node wrote. Both directions are bounded queues (capacity
/// per direction); a full inbound queue refuses injection, a full outbound queue makes writes
/// <see cref="TunWriteStatus.Rejected"/>. Dispose wakes a blocked reader, as the real devices do. Routes and addresses
/// live in sets the test reads; <see cref="FailRouteChanges"/> makes route changes throw it, as a broken host would.
/// </summary>
public sealed class InMemoryTun : IHostTunDevice, ITunAddresses
{
    private readonly BlockingCollection<byte[]> _toNode;
    private readonly BlockingCollection<byte[]> _fromNode;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ConcurrentDictionary<IpPrefix, byte> _routes = new();
    private readonly ConcurrentDictionary<IpPrefix, byte> _kernelRoutes = new();
    private readonly ConcurrentDictionary<TunAddress, byte> _addresses = new();

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

    /// <summary>The routes the device installed, as it remembers them (the real device's bookkeeping).</summary>
    public IReadOnlyCollection<IpPrefix> Routes => [.. _routes.Keys];

    /// <summary>The routes the "kernel" holds: as <see cref="Routes"/>, except that removing the device's last IPv4
    /// address flushes every IPv4 route through it, as Linux does, without the device being told.</summary>
    public IReadOnlyCollection<IpPrefix> KernelRoutes => [.. _kernelRoutes.Keys];

    public IReadOnlyCollection<TunAddress> Addresses => [.. _addresses.Keys];

    public Exception? FailRouteChanges { get; set; }

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

    public int WriteBatch(ReadOnlySpan<Memory<byte>> packets, out int rejected)
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

    public void AddRoute(IpPrefix prefix)
    {
        ThrowIfRouteChangesFail();
        _routes.TryAdd(prefix, 0);
        _kernelRoutes[prefix] = 0;
    }

    public bool RemoveRoute(IpPrefix prefix)
    {
        ThrowIfRouteChangesFail();
        _kernelRoutes.TryRemove(prefix, out _);
        return _routes.TryRemove(prefix, out _);
    }

    public void AddAddress(TunAddress address) => _addresses.TryAdd(address, 0);

    public void RemoveAddress(TunAddress address)
    {
        if (_addresses.TryRemove(address, out _) && !address.IsIPv6 && _addresses.Keys.All(other => other.IsIPv6))
        {
            foreach (var route in _kernelRoutes.Keys.Where(route => route.Family == System.Net.Sockets.AddressFamily.InterNetwork))
            {
                _kernelRoutes.TryRemove(route, out _);
            }
        }
    }

    /// <summary>Disposing makes the "OS" forget the routes and addresses, as the kernel does with the interface.</summary>
    public void Dispose()
    {
        _disposed.Cancel();
        _routes.Clear();
        _addresses.Clear();
    }

    private void ThrowIfRouteChangesFail()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (FailRouteChanges is { } failure)
        {
            throw failure;
        }
    }

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
