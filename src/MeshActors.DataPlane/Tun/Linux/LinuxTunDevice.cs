using System.Runtime.InteropServices;
using System.Text;
using MeshActors.Protocol.Counting;
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
/// (IFF_VNET_HDR; readv/writev keep the packet where the caller put it), and a TCP or UDP packet written from a batch
/// is marked checksum-partial (<see cref="PartialChecksum"/>), which spares the receiving kernel one pass over every
/// byte. With <see cref="TunOptions.SegmentationOffload"/> as well, the kernel is allowed (TUNSETOFFLOAD) to hand over
/// TCP and UDP super packets of up to 64 KB and partial checksums: one read then brings what would have been dozens,
/// the node cuts it into packets (<see cref="SuperPacket"/>) handed out by the following reads, and completes partial
/// checksums; runs of TCP segments in a write batch go to the kernel merged into one super packet
/// (<see cref="TcpCoalescer"/>), written one by one instead if the kernel refuses it. A kernel that refuses the header
/// or the offloads gets plain packets (<see cref="Offload"/> says which); packets are never lost for it.
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

    /// <summary>Longest packet a read may return with segmentation offload: a 64 KB super packet and its headers.</summary>
    private const int SuperPacketCapacity = 65_536 + 64;

    /// <summary>Packets one coalescing plan covers; a longer write batch is planned in parts.</summary>
    private const int CoalescingBatch = 256;

    private readonly bool _virtioHeader;
    private readonly TunOffload _offload;

    /// <summary>Reader: the super packet being cut, whose overflow the read also lands in (pinned).</summary>
    private readonly byte[]? _super;

    /// <summary>Writer: the plan for a batch and the super packet being written (pinned).</summary>
    private readonly TcpCoalescer? _coalescer;
    private readonly byte[]? _merged;

    private SuperPacket _pending;
    private int _pendingLength;
    private int _pendingNext;
    private int _pendingCount;

    private LinuxTunDevice(FileDescriptorHandle tun, FileDescriptorHandle wake, string name, int mtu, IpCommand ip, TunOffload offload)
        : base(tun, name, mtu, ip)
    {
        _tun = tun;
        _wake = wake;
        _ip = ip;
        _offload = offload;
        _virtioHeader = offload != TunOffload.None;
        if ((offload & TunOffload.TcpSegmentation) != 0)
        {
            _super = GC.AllocateUninitializedArray<byte>(SuperPacketCapacity, pinned: true);
            _merged = GC.AllocateUninitializedArray<byte>(TcpCoalescer.MaxSuperPacket, pinned: true);
            _coalescer = new TcpCoalescer(CoalescingBatch);
            OffloadCounters = new CounterSet<TunOffloadEvent>();
        }
    }

    public override TunOffload Offload => _offload;

    public override CounterSet<TunOffloadEvent>? OffloadCounters { get; }

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
        TunOffload offload;
        FileDescriptorHandle wake;
        try
        {
            (name, offload) = Attach(tun.Fd, options.Name, options.ChecksumOffload, options.SegmentationOffload);
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

        return Configured(new LinuxTunDevice(tun, wake, name, options.Mtu, new IpCommand(), offload), options);
    }

    public void AddAddress(TunAddress address) => _ip.AddAddress(Name, address);

    public void RemoveAddress(TunAddress address) => _ip.DeleteAddress(Name, address);

    /// <summary>
    /// One non-blocking read: the packet length, or <see cref="HostTunDevice.NothingQueued"/>. While a super packet
    /// is being cut, its next segment instead.
    /// </summary>
    private protected override int ReceiveOne(Span<byte> buffer)
    {
        if (_pendingNext < _pendingCount)
        {
            return NextSegment(buffer);
        }

        var header = stackalloc byte[VirtioNetHeader.Size];
        fixed (byte* p = buffer)
        fixed (byte* super = _super)
        {
            while (true)
            {
                // A TUN read returns 0 only into an empty buffer, which the skeleton refuses before calling.
                var n = Receive(header, p, buffer.Length, super);
                if (n >= 0)
                {
                    if (!_virtioHeader)
                    {
                        return (int)n;
                    }

                    var length = Accept(new ReadOnlySpan<byte>(header, VirtioNetHeader.Size), buffer, (int)n);
                    if (length >= 0)
                    {
                        return length;
                    }

                    OffloadCounters?.Increment(TunOffloadEvent.MalformedRead);
                    continue;
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

    /// <summary>readv into the header, the buffer and, with segmentation offload, the super packet's overflow.</summary>
    private nint Receive(byte* header, byte* buffer, int bufferLength, byte* super)
    {
        if (!_virtioHeader)
        {
            return LinuxNative.Read(_tun.Fd, buffer, (nuint)bufferLength);
        }

        if (super is null)
        {
            return LinuxNative.ReadTwo(_tun.Fd, header, VirtioNetHeader.Size, buffer, (nuint)bufferLength) - VirtioNetHeader.Size;
        }

        // The overflow lands where it belongs in _super; the part in the buffer is copied in front if it is a super packet.
        var inBuffer = Math.Min(bufferLength, SuperPacketCapacity);
        return LinuxNative.ReadThree(
            _tun.Fd, header, VirtioNetHeader.Size, buffer, (nuint)bufferLength, super + inBuffer, (nuint)(SuperPacketCapacity - inBuffer))
            - VirtioNetHeader.Size;
    }

    /// <summary>
    /// What a read with a virtio-net header brought: a plain packet (its checksum completed if the kernel left it
    /// partial) or the first segment of a super packet; its length in <paramref name="buffer"/>, or -1 to drop it.
    /// </summary>
    private int Accept(ReadOnlySpan<byte> header, Span<byte> buffer, int length)
    {
        var gso = VirtioNetHeader.GsoType(header);
        if (gso == VirtioNetHeader.GsoNone)
        {
            if (length > buffer.Length)
            {
                return -1;
            }

            if (VirtioNetHeader.ChecksumPending(header))
            {
                if (!PartialChecksum.TryComplete(buffer[..length], VirtioNetHeader.ChecksumStart(header), VirtioNetHeader.ChecksumOffset(header)))
                {
                    return -1;
                }

                OffloadCounters?.Increment(TunOffloadEvent.ChecksumsCompleted);
            }

            return length;
        }

        var protocol = gso switch
        {
            VirtioNetHeader.GsoTcpV4 or VirtioNetHeader.GsoTcpV6 => PartialChecksum.ProtocolTcp,
            VirtioNetHeader.GsoUdpL4 => PartialChecksum.ProtocolUdp,
            _ => (byte)0,
        };
        if (_super is null || protocol == 0 || length > SuperPacketCapacity)
        {
            return -1;
        }

        buffer[..Math.Min(length, buffer.Length)].CopyTo(_super);
        if (!SuperPacket.TryParse(_super.AsSpan(0, length), protocol, VirtioNetHeader.GsoSize(header), out var shape)
            || shape.MaxSegmentLength > Mtu)
        {
            return -1;
        }

        (_pending, _pendingLength, _pendingNext, _pendingCount) = (shape, length, 0, shape.SegmentCount);
        OffloadCounters!.Increment(TunOffloadEvent.SuperPacketsRead);
        return NextSegment(buffer);
    }

    /// <summary>The next segment of the super packet being cut, into <paramref name="buffer"/> (at least MTU-sized).</summary>
    private int NextSegment(Span<byte> buffer)
    {
        var length = _pending.WriteSegment(_super.AsSpan(0, _pendingLength), _pendingNext++, buffer);
        OffloadCounters!.Increment(TunOffloadEvent.SegmentsCut);
        return length;
    }

    private protected override bool WaitReadable() => WaitReady(PollIn);

    /// <summary>
    /// With segmentation offload: each run of TCP segments of one flow leaves as one super packet, every other packet
    /// as <see cref="SendOwned"/> does. Without: the skeleton's packet-by-packet batch.
    /// </summary>
    public override int WriteBatch(ReadOnlySpan<Memory<byte>> packets, out int rejected)
    {
        if (_coalescer is null)
        {
            return base.WriteBatch(packets, out rejected);
        }

        rejected = 0;
        if (!TryEnter())
        {
            return 0;
        }

        try
        {
            for (var start = 0; start < packets.Length; start += CoalescingBatch)
            {
                var part = packets.Slice(start, Math.Min(CoalescingBatch, packets.Length - start));
                var written = WritePlanned(part, ref rejected);
                if (written < part.Length)
                {
                    return start + written;
                }
            }

            return packets.Length;
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Plans and writes one part of a batch; returns how many packets it consumed (fewer once closed).</summary>
    private int WritePlanned(ReadOnlySpan<Memory<byte>> packets, ref int rejected)
    {
        _coalescer!.Plan(packets);
        for (var i = 0; i < packets.Length; i++)
        {
            if (_coalescer.IsAbsorbed(i))
            {
                continue;
            }

            var status = _coalescer.HasFollowers(i) ? SendRun(packets, i, ref rejected) : SendOwned(packets[i].Span);
            if (status == TunWriteStatus.Closed)
            {
                return i;
            }

            if (status == TunWriteStatus.Rejected)
            {
                rejected++;
            }
        }

        return packets.Length;
    }

    /// <summary>
    /// Writes the run headed by packet <paramref name="head"/> as one super packet; if the kernel refuses it, the
    /// segments one by one (their buffers are untouched: the super packet was built in <see cref="_merged"/>).
    /// Rejections of the followers are added to <paramref name="rejected"/>; the head's is returned.
    /// </summary>
    private TunWriteStatus SendRun(ReadOnlySpan<Memory<byte>> packets, int head, ref int rejected)
    {
        var length = _coalescer!.Build(packets, head, _merged, out var shape, out var segments);
        Span<byte> header = stackalloc byte[VirtioNetHeader.Size];
        VirtioNetHeader.WriteTcpSuper(header, shape);
        var status = Send(_merged.AsSpan(0, length), header);
        if (status != TunWriteStatus.Rejected)
        {
            if (status == TunWriteStatus.Written)
            {
                OffloadCounters!.Increment(TunOffloadEvent.SuperPacketsWritten);
                OffloadCounters.Add(TunOffloadEvent.SegmentsCoalesced, segments);
            }

            return status;
        }

        OffloadCounters!.Increment(TunOffloadEvent.SuperPacketsRefused);
        var headStatus = SendOwned(packets[head].Span);
        for (var member = _coalescer.NextInRun(head); member >= 0 && headStatus != TunWriteStatus.Closed; member = _coalescer.NextInRun(member))
        {
            switch (SendOwned(packets[member].Span))
            {
                case TunWriteStatus.Rejected:
                    rejected++;
                    break;
                case TunWriteStatus.Closed:
                    return TunWriteStatus.Closed;
            }
        }

        return headStatus;
    }

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
    /// header when <paramref name="virtioHeader"/> and the kernel takes it, else without. Then, when
    /// <paramref name="segmentation"/>, TUNSETOFFLOAD with as many offloads as the kernel takes. Returns the name the
    /// kernel used and the offloads in use.
    /// </summary>
    private static (string Name, TunOffload Offload) Attach(int fd, string name, bool virtioHeader, bool segmentation)
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
        var used = Encoding.ASCII.GetString(end < 0 ? nameBytes : nameBytes[..end]);
        return (used, !attached ? TunOffload.None : segmentation ? SetOffloads(fd) : TunOffload.Checksum);
    }

    /// <summary>Asks for TCP and UDP segmentation offload, then TCP only (kernels before 6.2 lack USO).</summary>
    private static TunOffload SetOffloads(int fd)
    {
        const uint tcp = TunFCsum | TunFTso4 | TunFTso6;
        if (Ioctl(fd, TunSetOffload, tcp | TunFUso4 | TunFUso6) >= 0)
        {
            return TunOffload.Checksum | TunOffload.TcpSegmentation | TunOffload.UdpSegmentation;
        }

        return Ioctl(fd, TunSetOffload, tcp) >= 0 ? TunOffload.Checksum | TunOffload.TcpSegmentation : TunOffload.Checksum;
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
