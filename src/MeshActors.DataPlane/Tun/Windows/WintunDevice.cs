using System.Runtime.InteropServices;
using MeshActors.Protocol;
using static MeshActors.DataPlane.Tun.Windows.WintunNative;

namespace MeshActors.DataPlane.Tun.Windows;

/// <summary>
/// A Windows TUN adapter through Wintun: packets move through two shared-memory rings, no system call per packet.
/// </summary>
/// <remarks>
/// Pipeline: Windows routes a packet into the adapter → receive ring → the TUN reader thread's
/// <see cref="ReadBatch"/> → forwarder; forwarder → the TUN writer thread's <see cref="Write"/> → send ring →
/// Windows delivers it locally. Threads: one reader, one writer, control calls (routes, Dispose) from the actor.
/// An empty receive ring parks the reader on the session's read event together with a shutdown event that
/// Dispose sets. A full send ring drops the packet (Wintun offers nothing to wait on for room).
/// </remarks>
public sealed unsafe class WintunDevice : IHostTunDevice
{
    /// <summary>Tunnel type shown by Windows for our adapters.</summary>
    private const string TunnelType = "MeshActors";

    /// <summary>Size of each packet ring in bytes: 8 MiB absorbs bursts at multi-Gbit/s without drops.</summary>
    private const uint RingCapacity = 0x800000;

    private const string Remedy = "run with --no-tun, or run as Administrator with wintun.dll (https://www.wintun.net) next to MeshActors.exe";

    private const int ShutdownIndex = 1;

    private readonly WintunSessionHandle _session;
    private readonly EventWaitHandle _shutdown;
    private readonly WaitHandle[] _readWait;
    private readonly NetshCommand _netsh;
    private readonly TunRouteSet _routes;
    private long _oversizedPackets;
    private int _disposed;

    private WintunDevice(WintunSessionHandle session, EventWaitHandle shutdown, string name, int mtu, NetshCommand netsh)
    {
        _session = session;
        _shutdown = shutdown;
        _readWait = [new BorrowedWaitHandle(WintunGetReadWaitEvent(session.Session)), shutdown];
        _netsh = netsh;
        Name = name;
        Mtu = mtu;
        _routes = new TunRouteSet(prefix => _netsh.AddRoute(Name, prefix), prefix => _netsh.DeleteRoute(Name, prefix));
    }

    public string Name { get; }

    public int Mtu { get; }

    /// <summary>Packets Windows queued that were larger than the MTU-sized read buffer, dropped on read.</summary>
    public long OversizedPackets => Interlocked.Read(ref _oversizedPackets);

    public IReadOnlyCollection<IpPrefix> Routes => _routes.Snapshot();

    /// <summary>
    /// Creates the adapter, starts a session, sets MTU, assigns the addresses and installs the routes.
    /// Throws <see cref="TunUnavailableException"/> without wintun.dll or Administrator rights.
    /// </summary>
    public static WintunDevice Open(TunOptions options)
    {
        options.Validate();
        var adapter = CreateAdapter(options.Name);
        var sessionPtr = WintunStartSession(adapter.DangerousGetHandle(), RingCapacity);
        if (sessionPtr == 0)
        {
            var error = Marshal.GetLastPInvokeError();
            adapter.Dispose();
            throw new TunDeviceException($"WintunStartSession on '{options.Name}' failed: {Describe(error)}");
        }

        var shutdown = new EventWaitHandle(false, EventResetMode.ManualReset);
        var device = new WintunDevice(new WintunSessionHandle(sessionPtr, adapter, shutdown), shutdown, options.Name, options.Mtu, new NetshCommand());
        try
        {
            device._netsh.SetMtu(device.Name, options.Mtu);
            foreach (var address in options.Addresses)
            {
                device._netsh.AddAddress(device.Name, address);
            }

            foreach (var prefix in options.Routes)
            {
                device.AddRoute(prefix);
            }
        }
        catch
        {
            device.Dispose();
            throw;
        }

        return device;
    }

    public int Read(Span<byte> buffer)
    {
        RequireMtuSized(buffer.Length);
        if (!TryEnter())
        {
            return 0;
        }

        try
        {
            while (true)
            {
                var length = ReceiveOne(buffer);
                if (length != 0)
                {
                    return Math.Max(length, 0);
                }

                if (WaitHandle.WaitAny(_readWait) == ShutdownIndex)
                {
                    return 0;
                }
            }
        }
        finally
        {
            _session.DangerousRelease();
        }
    }

    public int ReadBatch(ReadOnlySpan<Memory<byte>> buffers, Span<int> sizes)
    {
        if (sizes.Length < buffers.Length)
        {
            throw new ArgumentException("need one size slot per buffer", nameof(sizes));
        }

        foreach (var buffer in buffers)
        {
            RequireMtuSized(buffer.Length);
        }

        if (!TryEnter())
        {
            return 0;
        }

        try
        {
            var count = 0;
            while (count < buffers.Length)
            {
                var length = ReceiveOne(buffers[count].Span);
                if (length > 0)
                {
                    sizes[count++] = length;
                }
                else if (length < 0)
                {
                    return count;
                }
                else if (count > 0)
                {
                    break;
                }
                else if (WaitHandle.WaitAny(_readWait) == ShutdownIndex)
                {
                    return 0;
                }
            }

            return count;
        }
        finally
        {
            _session.DangerousRelease();
        }
    }

    public TunWriteStatus Write(ReadOnlySpan<byte> packet)
    {
        if (!TryEnter())
        {
            return TunWriteStatus.Closed;
        }

        try
        {
            return SendOne(packet);
        }
        finally
        {
            _session.DangerousRelease();
        }
    }

    public int WriteBatch(ReadOnlySpan<ReadOnlyMemory<byte>> packets, out int rejected)
    {
        rejected = 0;
        if (!TryEnter())
        {
            return 0;
        }

        try
        {
            for (var i = 0; i < packets.Length; i++)
            {
                switch (SendOne(packets[i].Span))
                {
                    case TunWriteStatus.Rejected:
                        rejected++;
                        break;
                    case TunWriteStatus.Closed:
                        return i;
                }
            }

            return packets.Length;
        }
        finally
        {
            _session.DangerousRelease();
        }
    }

    public void AddRoute(IpPrefix prefix) => _routes.Add(prefix, IsDisposed, this);

    public bool RemoveRoute(IpPrefix prefix) => _routes.Remove(prefix, IsDisposed, this);

    private bool IsDisposed() => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Wakes a parked reader; the session ends and the adapter (with its addresses and routes) is removed as soon
    /// as no thread is inside a Wintun call any more.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _shutdown.Set();
        _session.Dispose();
        _routes.Clear();
    }

    private static WintunAdapterHandle CreateAdapter(string name)
    {
        nint adapter;
        try
        {
            adapter = WintunCreateAdapter(name, TunnelType, null);
        }
        catch (DllNotFoundException)
        {
            throw new TunUnavailableException("wintun.dll was not found", Remedy);
        }

        if (adapter != 0)
        {
            return new WintunAdapterHandle(adapter);
        }

        var error = Marshal.GetLastPInvokeError();
        throw error == ErrorAccessDenied
            ? new TunUnavailableException($"creating Wintun adapter '{name}' was refused ({Describe(error)})", Remedy)
            : new TunDeviceException($"WintunCreateAdapter '{name}' failed: {Describe(error)}");
    }

    private static string Describe(int error) => $"Win32 error {error} ({Marshal.GetPInvokeErrorMessage(error)})";

    private void RequireMtuSized(int length)
    {
        if (length < Mtu)
        {
            throw new ArgumentException($"read buffers must hold the MTU ({Mtu} bytes), got {length}");
        }
    }

    private bool TryEnter()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        var added = false;
        try
        {
            _session.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        return added;
    }

    /// <summary>Takes one packet off the receive ring: its length, 0 when the ring is empty, -1 when the adapter is going away.</summary>
    private int ReceiveOne(Span<byte> buffer)
    {
        while (true)
        {
            uint size;
            var packet = WintunReceivePacket(_session.Session, &size);
            if (packet == null)
            {
                var error = Marshal.GetLastPInvokeError();
                return error switch
                {
                    ErrorNoMoreItems => 0,
                    ErrorHandleEof => -1,
                    _ => throw new TunDeviceException($"WintunReceivePacket on '{Name}' failed: {Describe(error)}"),
                };
            }

            try
            {
                if (size <= (uint)buffer.Length)
                {
                    new ReadOnlySpan<byte>(packet, (int)size).CopyTo(buffer);
                    return (int)size;
                }

                Interlocked.Increment(ref _oversizedPackets);
            }
            finally
            {
                WintunReleaseReceivePacket(_session.Session, packet);
            }
        }
    }

    private TunWriteStatus SendOne(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty || packet.Length > MaxIpPacketSize)
        {
            return TunWriteStatus.Rejected;
        }

        var slot = WintunAllocateSendPacket(_session.Session, (uint)packet.Length);
        if (slot == null)
        {
            var error = Marshal.GetLastPInvokeError();
            return error switch
            {
                ErrorBufferOverflow => TunWriteStatus.Rejected,
                ErrorHandleEof => TunWriteStatus.Closed,
                _ => throw new TunDeviceException($"WintunAllocateSendPacket on '{Name}' failed: {Describe(error)}"),
            };
        }

        packet.CopyTo(new Span<byte>(slot, packet.Length));
        WintunSendPacket(_session.Session, slot);
        return TunWriteStatus.Written;
    }
}
