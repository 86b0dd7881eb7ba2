using System.Runtime.InteropServices;
using System.Text;
using MeshActors.Protocol.Ip;
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
/// With <see cref="TunOptions.ChecksumOffload"/> the descriptor carries a virtio-net header in front of each packet
/// (IFF_VNET_HDR; readv/writev keep the packet where the caller put it). No offload is asked of the kernel for reads
/// (no TUNSETOFFLOAD), so packets read are plain and checksummed; a TCP or UDP packet written from a batch is marked
/// checksum-partial (<see cref="PartialChecksum"/>), which spares the receiving kernel one pass over every byte.
/// A kernel that refuses the header gets plain packets (<see cref="Offload"/> says which).
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

    private readonly bool _virtioHeader;

    private LinuxTunDevice(FileDescriptorHandle tun, FileDescriptorHandle wake, string name, int mtu, IpCommand ip, bool virtioHeader)
        : base(tun, name, mtu, ip)
    {
        _tun = tun;
        _wake = wake;
        _ip = ip;
        _virtioHeader = virtioHeader;
    }

    public override TunOffload Offload => _virtioHeader ? TunOffload.Checksum : TunOffload.None;

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
        bool virtioHeader;
        FileDescriptorHandle wake;
        try
        {
            (name, virtioHeader) = Attach(tun.Fd, options.Name, options.ChecksumOffload);
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

        return Configured(new LinuxTunDevice(tun, wake, name, options.Mtu, new IpCommand(), virtioHeader), options);
    }

    public void AddAddress(TunAddress address) => _ip.AddAddress(Name, address);

    public void RemoveAddress(TunAddress address) => _ip.DeleteAddress(Name, address);

    /// <summary>One non-blocking read: the packet length, or <see cref="HostTunDevice.NothingQueued"/>.</summary>
    private protected override int ReceiveOne(Span<byte> buffer)
    {
        var header = stackalloc byte[VirtioNetHeader.Size];
        fixed (byte* p = buffer)
        {
            while (true)
            {
                // A TUN read returns 0 only into an empty buffer, which the skeleton refuses before calling.
                var n = _virtioHeader
                    ? LinuxNative.ReadTwo(_tun.Fd, header, VirtioNetHeader.Size, p, (nuint)buffer.Length) - VirtioNetHeader.Size
                    : LinuxNative.Read(_tun.Fd, p, (nuint)buffer.Length);
                if (n >= 0)
                {
                    // No offload was asked for, so the kernel hands over plain packets only; anything else is skipped.
                    if (_virtioHeader && !VirtioNetHeader.IsPlain(new ReadOnlySpan<byte>(header, VirtioNetHeader.Size)))
                    {
                        continue;
                    }

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
        Span<byte> header = stackalloc byte[VirtioNetHeader.Size];
        VirtioNetHeader.WriteComplete(header);
        return Send(packet, header);
    }

    private protected override TunWriteStatus SendOwned(Span<byte> packet)
    {
        Span<byte> header = stackalloc byte[VirtioNetHeader.Size];
        if (_virtioHeader && PartialChecksum.TryMark(packet, out var start, out var offset))
        {
            VirtioNetHeader.WritePartial(header, start, offset);
        }
        else
        {
            VirtioNetHeader.WriteComplete(header);
        }

        return Send(packet, header);
    }

    private TunWriteStatus Send(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> header)
    {
        fixed (byte* p = packet)
        fixed (byte* h = header)
        {
            while (true)
            {
                var n = _virtioHeader
                    ? LinuxNative.WriteTwo(_tun.Fd, h, VirtioNetHeader.Size, p, (nuint)packet.Length)
                    : LinuxNative.Write(_tun.Fd, p, (nuint)packet.Length);
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

    /// <summary>
    /// TUNSETIFF: binds the descriptor to interface <paramref name="name"/>, creating it if needed; with a virtio-net
    /// header when <paramref name="virtioHeader"/> and the kernel takes it (returned), else without.
    /// </summary>
    private static (string Name, bool VirtioHeader) Attach(int fd, string name, bool virtioHeader)
    {
        var ifreq = stackalloc byte[IfReqSize];
        var attached = virtioHeader && TrySetIff(fd, name, (short)(IffTun | IffNoPi | IffVnetHdr), ifreq);
        if (!attached && !TrySetIff(fd, name, (short)(IffTun | IffNoPi), ifreq))
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
        return (Encoding.ASCII.GetString(end < 0 ? nameBytes : nameBytes[..end]), attached);
    }

    private static bool TrySetIff(int fd, string name, short flags, byte* ifreq)
    {
        new Span<byte>(ifreq, IfReqSize).Clear();
        Encoding.ASCII.GetBytes(name, new Span<byte>(ifreq, IfNameSize - 1));
        *(short*)(ifreq + IfReqFlagsOffset) = flags;
        return Ioctl(fd, TunSetIff, ifreq) >= 0;
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
