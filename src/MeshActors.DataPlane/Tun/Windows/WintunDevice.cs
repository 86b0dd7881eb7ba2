using System.Runtime.InteropServices;
using static MeshActors.DataPlane.Tun.Windows.WintunNative;

namespace MeshActors.DataPlane.Tun.Windows;

/// <summary>
/// A Windows TUN adapter through Wintun on the shared <see cref="HostTunDevice"/> skeleton: packets move through
/// two shared-memory rings, no system call per packet.
/// </summary>
/// <remarks>
/// Pipeline: Windows routes a packet into the adapter → receive ring → the TUN reader thread's
/// <see cref="ReadBatch"/> → forwarder; forwarder → the TUN writer thread's <see cref="Write"/> → send ring →
/// Windows delivers it locally. Threads: one reader, one writer, control calls (routes, Dispose) from the actor.
/// An empty receive ring parks the reader on the session's read event together with a shutdown event that
/// Dispose sets. A full send ring drops the packet (Wintun offers nothing to wait on for room).
/// </remarks>
public sealed unsafe class WintunDevice : HostTunDevice
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
    private long _oversizedPackets;

    private WintunDevice(WintunSessionHandle session, EventWaitHandle shutdown, string name, int mtu)
        : base(session, name, mtu, new NetshCommand())
    {
        _session = session;
        _shutdown = shutdown;
        _readWait = [new BorrowedWaitHandle(WintunGetReadWaitEvent(session.Session)), shutdown];
    }

    /// <summary>Packets Windows queued that were larger than the MTU-sized read buffer, dropped on read.</summary>
    public long OversizedPackets => Interlocked.Read(ref _oversizedPackets);

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
        var session = new WintunSessionHandle(sessionPtr, adapter, shutdown);
        return Configured(new WintunDevice(session, shutdown, options.Name, options.Mtu), options);
    }

    /// <summary>Takes one packet off the receive ring: its length, or the skeleton's nothing-queued / gone signals.</summary>
    private protected override int ReceiveOne(Span<byte> buffer)
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
                    ErrorNoMoreItems => NothingQueued,
                    ErrorHandleEof => DeviceGone,
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

    private protected override bool WaitReadable() => WaitHandle.WaitAny(_readWait) != ShutdownIndex;

    /// <summary>A full send ring drops the packet: Wintun offers nothing to wait on for room.</summary>
    private protected override TunWriteStatus SendOne(ReadOnlySpan<byte> packet)
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

    /// <summary>
    /// Wakes a parked reader; the session ends and the adapter (with its addresses and routes) is removed as soon
    /// as no thread is inside a Wintun call any more (<see cref="WintunSessionHandle"/>).
    /// </summary>
    private protected override void WakeParkedCalls() => _shutdown.Set();

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
}
