using System.Runtime.InteropServices;
using MeshActors.Protocol;
using MeshActors.Protocol.Counting;

namespace MeshActors.DataPlane.Tun;

/// <summary>
/// The skeleton every operating system's TUN device shares: name and MTU, the read and write loops, the shutdown
/// that wakes a parked reader, the routes kept in step with the host, and configuration at open. An OS device
/// supplies the handle whose reference count guards its packet calls, one receive, one send, a wait for readable
/// and a wake-up; the configuration commands come from <see cref="ITunHostCommands"/>.
/// </summary>
/// <remarks>
/// Threads as in <see cref="ITunDevice"/>: one reader, one writer, control calls and Dispose from the actor. Every
/// packet call borrows the handle first (<see cref="SafeHandle.DangerousAddRef"/>), so Dispose only marks it and the
/// OS resource is released when the last borrower leaves: a number or session is never reused under a parked call.
/// <see cref="ReadBatch"/> and <see cref="WriteBatch"/> are virtual so a device with kernel offloads can move
/// several packets per system call; the defaults call <see cref="ReceiveOne"/> and <see cref="SendOne"/> per packet.
/// </remarks>
public abstract class HostTunDevice : IHostTunDevice
{
    /// <summary><see cref="ReceiveOne"/>: no packet is queued right now.</summary>
    private protected const int NothingQueued = -1;

    /// <summary><see cref="ReceiveOne"/>: the OS is taking the device away; the reader ends.</summary>
    private protected const int DeviceGone = -2;

    private readonly SafeHandle _io;
    private readonly ITunHostCommands _commands;
    private readonly TunRouteSet _routes;
    private int _disposed;

    private protected HostTunDevice(SafeHandle io, string name, int mtu, ITunHostCommands commands)
    {
        _io = io;
        _commands = commands;
        Name = name;
        Mtu = mtu;
        _routes = new TunRouteSet(prefix => _commands.AddRoute(Name, prefix), prefix => _commands.DeleteRoute(Name, prefix));
    }

    public string Name { get; }

    public int Mtu { get; }

    public IReadOnlyCollection<IpPrefix> Routes => _routes.Snapshot();

    private protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

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
                if (length >= 0)
                {
                    return length;
                }

                if (length == DeviceGone || !WaitReadable())
                {
                    return 0;
                }
            }
        }
        finally
        {
            Leave();
        }
    }

    public virtual int ReadBatch(ReadOnlySpan<Memory<byte>> buffers, Span<int> sizes)
    {
        RequireBatchBuffers(buffers, sizes);
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
                if (length >= 0)
                {
                    sizes[count++] = length;
                }
                else if (length == DeviceGone)
                {
                    return count;
                }
                else if (count > 0)
                {
                    break;
                }
                else if (!WaitReadable())
                {
                    return 0;
                }
            }

            return count;
        }
        finally
        {
            Leave();
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
            Leave();
        }
    }

    public virtual TunOffload Offload => TunOffload.None;

    public virtual CounterSet<TunOffloadEvent>? OffloadCounters => null;

    public virtual int WriteBatch(ReadOnlySpan<Memory<byte>> packets, out int rejected)
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
                switch (SendOwned(packets[i].Span))
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
            Leave();
        }
    }

    public void AddRoute(IpPrefix prefix) => _routes.Add(prefix, () => IsDisposed, this);

    public bool RemoveRoute(IpPrefix prefix) => _routes.Remove(prefix, () => IsDisposed, this);

    /// <summary>
    /// Wakes a parked reader or writer and releases the handle once no call borrows it any more; the OS then
    /// removes the interface with its addresses and routes.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        WakeParkedCalls();
        _io.Dispose();
        AfterHandleReleased();
        _routes.Clear();
    }

    /// <summary>
    /// Sets MTU and link state, assigns the addresses and installs the routes of <paramref name="options"/>; on a
    /// failure disposes the device (so the interface goes away) and rethrows. Called once by each OS's Open.
    /// </summary>
    private protected static TDevice Configured<TDevice>(TDevice device, TunOptions options)
        where TDevice : HostTunDevice
    {
        try
        {
            device._commands.SetMtuAndUp(device.Name, options.Mtu);
            foreach (var address in options.Addresses)
            {
                device._commands.AddAddress(device.Name, address);
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

    /// <summary>
    /// Takes one queued packet into <paramref name="buffer"/> (at least MTU-sized) without blocking: its length,
    /// <see cref="NothingQueued"/> or <see cref="DeviceGone"/>. Called with the handle borrowed.
    /// </summary>
    private protected abstract int ReceiveOne(Span<byte> buffer);

    /// <summary>Parks until a packet may be queued or Dispose wakes the caller; false means disposed.</summary>
    private protected abstract bool WaitReadable();

    /// <summary>Hands one packet to the OS, waiting for room if the OS offers a wait. Called with the handle borrowed.</summary>
    private protected abstract TunWriteStatus SendOne(ReadOnlySpan<byte> packet);

    /// <summary>As <see cref="SendOne"/>, for a packet in the caller's batch, which the device may rewrite first.</summary>
    private protected virtual TunWriteStatus SendOwned(Span<byte> packet) => SendOne(packet);

    /// <summary>Signals whatever a parked reader or writer waits on, so it leaves and releases the handle.</summary>
    private protected abstract void WakeParkedCalls();

    /// <summary>Runs after the handle was marked disposed: frees what a parked call may still have been using.</summary>
    private protected virtual void AfterHandleReleased()
    {
    }

    private protected void RequireBatchBuffers(ReadOnlySpan<Memory<byte>> buffers, Span<int> sizes)
    {
        if (sizes.Length < buffers.Length)
        {
            throw new ArgumentException("need one size slot per buffer", nameof(sizes));
        }

        foreach (var buffer in buffers)
        {
            RequireMtuSized(buffer.Length);
        }
    }

    /// <summary>Borrows the handle for one packet call; false once the device is disposed.</summary>
    private protected bool TryEnter()
    {
        if (IsDisposed)
        {
            return false;
        }

        var added = false;
        try
        {
            _io.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        return added;
    }

    /// <summary>Returns the handle borrowed by <see cref="TryEnter"/>.</summary>
    private protected void Leave() => _io.DangerousRelease();

    private void RequireMtuSized(int length)
    {
        if (length < Mtu)
        {
            throw new ArgumentException($"read buffers must hold the MTU ({Mtu} bytes), got {length}");
        }
    }
}
