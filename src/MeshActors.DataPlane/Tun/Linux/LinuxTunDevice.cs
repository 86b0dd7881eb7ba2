using System.Runtime.InteropServices;
using System.Text;
using static MeshActors.DataPlane.Tun.Linux.LinuxNative;

namespace MeshActors.DataPlane.Tun.Linux;

/// <summary>
/// A Linux TUN interface (IFF_TUN | IFF_NO_PI) on the shared <see cref="HostTunDevice"/> skeleton: one read or
/// write system call per packet on a non-blocking descriptor.
/// </summary>
/// <remarks>
/// Pipeline: kernel routes a packet into the interface → the TUN reader thread's <see cref="ReadBatch"/> →
/// forwarder; forwarder → the TUN writer thread's <see cref="Write"/> → kernel delivers it locally.
/// Threads: one reader, one writer, control calls (routes, Dispose) from the actor's thread.
/// The descriptor is non-blocking: a read or write that would block waits in poll() on the descriptor and on
/// an eventfd, and Dispose signals that eventfd, so a parked reader wakes at once (closing a descriptor does not
/// wake a thread blocked on it). Under load reads succeed without poll: one system call per packet.
/// The interface is not persistent: when the descriptor closes, the kernel deletes it together with its
/// addresses and routes, so nothing outlives the process, not even after a crash.
/// </remarks>
public sealed unsafe class LinuxTunDevice : HostTunDevice, ITunAddresses
{
    private const string ClonePath = "/dev/net/tun";

    /// <summary>
    /// Longest Dispose waits for the reader and writer to leave their system calls, in milliseconds. They leave
    /// within microseconds of the eventfd signal; the bound only guards against a stuck thread.
    /// </summary>
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromMilliseconds(2_000);

    private readonly FileDescriptorHandle _tun;
    private readonly FileDescriptorHandle _wake;
    private readonly IpCommand _ip;

    private LinuxTunDevice(FileDescriptorHandle tun, FileDescriptorHandle wake, string name, int mtu, IpCommand ip)
        : base(tun, name, mtu, ip)
    {
        _tun = tun;
        _wake = wake;
        _ip = ip;
    }

    /// <summary>
    /// Creates the interface, sets MTU, brings it up, assigns the addresses and installs the routes.
    /// Throws <see cref="TunUnavailableException"/> without the driver or CAP_NET_ADMIN and
    /// <see cref="TunDeviceException"/> for a bad or busy name or a refused address or route.
    /// </summary>
    public static LinuxTunDevice Open(TunOptions options)
    {
        options.Validate();
        LinuxInterfaceName.Validate(options.Name);
        var tun = OpenClone();
        string name;
        FileDescriptorHandle wake;
        try
        {
            name = Attach(tun.Fd, options.Name);
            var wakeFd = EventFd(0, EfdNonBlock | EfdCloExec);
            if (wakeFd < 0)
            {
                throw new TunDeviceException($"eventfd failed: {Describe(Marshal.GetLastPInvokeError())}");
            }

            wake = new FileDescriptorHandle(wakeFd);
        }
        catch
        {
            tun.Dispose();
            throw;
        }

        return Configured(new LinuxTunDevice(tun, wake, name, options.Mtu, new IpCommand()), options);
    }

    public void AddAddress(TunAddress address) => _ip.AddAddress(Name, address);

    public void RemoveAddress(TunAddress address) => _ip.DeleteAddress(Name, address);

    /// <summary>One non-blocking read: the packet length, or <see cref="HostTunDevice.NothingQueued"/>.</summary>
    private protected override int ReceiveOne(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                // A TUN read returns 0 only into an empty buffer, which the skeleton refuses before calling.
                var n = LinuxNative.Read(_tun.Fd, p, (nuint)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == EAgain)
                {
                    return NothingQueued;
                }

                if (errno != EIntr)
                {
                    throw new TunDeviceException($"read from TUN '{Name}' failed: {Describe(errno)}");
                }
            }
        }
    }

    private protected override bool WaitReadable() => WaitReady(PollIn);

    private protected override TunWriteStatus SendOne(ReadOnlySpan<byte> packet)
    {
        fixed (byte* p = packet)
        {
            while (true)
            {
                var n = LinuxNative.Write(_tun.Fd, p, (nuint)packet.Length);
                if (n >= 0)
                {
                    return TunWriteStatus.Written;
                }

                var errno = Marshal.GetLastPInvokeError();
                switch (errno)
                {
                    case EIntr:
                        continue;
                    case EAgain:
                        if (!WaitReady(PollOut))
                        {
                            return TunWriteStatus.Closed;
                        }

                        continue;

                    // EINVAL: not an IPv4/IPv6 packet; EIO: the interface is down.
                    case EInval or EIo:
                        return TunWriteStatus.Rejected;
                    default:
                        throw new TunDeviceException($"write to TUN '{Name}' failed: {Describe(errno)}");
                }
            }
        }
    }

    /// <summary>An eventfd stays readable once written and is never drained, so every later poll() returns at once.</summary>
    private protected override void WakeParkedCalls()
    {
        ulong one = 1;
        _ = LinuxNative.Write(_wake.Fd, (byte*)&one, sizeof(ulong));
    }

    /// <summary>
    /// Closes the eventfd once the TUN descriptor is really closed: only then can no thread be inside poll() with
    /// the eventfd's number; closing it earlier could let an unrelated open() reuse that number under a parked poller.
    /// </summary>
    private protected override void AfterHandleReleased()
    {
        if (_tun.WaitClosed(ShutdownWait))
        {
            _wake.Dispose();
        }
    }

    private static FileDescriptorHandle OpenClone()
    {
        var fd = LinuxNative.Open(ClonePath, ORdWr | ONonBlock | OCloExec);
        if (fd >= 0)
        {
            return new FileDescriptorHandle(fd);
        }

        var errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            ENoEnt or ENoDev or ENxIo => new TunUnavailableException(
                $"{ClonePath} is missing ({Describe(errno)}): the tun kernel module is not available",
                LinuxTunRemedy.Text),
            EPerm or EAcces => new TunUnavailableException(
                $"cannot open {ClonePath} ({Describe(errno)})", LinuxTunRemedy.Text),
            _ => new TunDeviceException($"cannot open {ClonePath}: {Describe(errno)}"),
        };
    }

    /// <summary>TUNSETIFF: binds the descriptor to interface <paramref name="name"/>, creating it if needed.</summary>
    private static string Attach(int fd, string name)
    {
        var ifreq = stackalloc byte[IfReqSize];
        new Span<byte>(ifreq, IfReqSize).Clear();
        Encoding.ASCII.GetBytes(name, new Span<byte>(ifreq, IfNameSize - 1));
        *(short*)(ifreq + IfReqFlagsOffset) = IffTun | IffNoPi;
        if (Ioctl(fd, TunSetIff, ifreq) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                EPerm or EAcces => new TunUnavailableException(
                    $"creating TUN interface '{name}' was refused ({Describe(errno)})", LinuxTunRemedy.Text),
                EBusy => new TunDeviceException(
                    $"TUN interface '{name}' is already attached to another process ({Describe(errno)})"),
                EInval => new TunDeviceException(
                    $"'{name}' exists and is not a TUN interface, or the name is invalid ({Describe(errno)})"),
                _ => new TunDeviceException($"TUNSETIFF '{name}' failed: {Describe(errno)}"),
            };
        }

        // The kernel writes back the name it used.
        var nameBytes = new ReadOnlySpan<byte>(ifreq, IfNameSize);
        var end = nameBytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? nameBytes : nameBytes[..end]);
    }

    /// <summary>Parks in poll() until the TUN descriptor is ready or Dispose signals; false means disposed.</summary>
    private bool WaitReady(short events)
    {
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = _tun.Fd, Events = events };
        fds[1] = new PollFd { Fd = _wake.Fd, Events = PollIn };
        while (true)
        {
            if (Poll(fds, 2, timeoutMilliseconds: -1) >= 0)
            {
                return fds[1].REvents == 0;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != EIntr)
            {
                throw new TunDeviceException($"poll on TUN '{Name}' failed: {Describe(errno)}");
            }
        }
    }
}
