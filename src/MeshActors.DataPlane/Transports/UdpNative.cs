using System.Net;
using System.Runtime.InteropServices;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// sendmsg(2) and recvmsg(2) on the node's UDP socket, with the two offloads Linux offers for datagrams:
/// UDP segmentation (UDP_SEGMENT, Linux 4.18: one call sends many equal datagrams) and UDP receive coalescing
/// (UDP_GRO, Linux 5.0: one call returns a run of equal datagrams from one sender, with their size). Linux only;
/// the structures are those of LP64 Linux (x64, arm64). No allocation: messages, vectors and control data live on
/// the stack, addresses are read and written in the <see cref="SocketAddress"/> buffers in place (they hold the
/// native sockaddr).
/// </summary>
internal static unsafe class UdpNative
{
    private const int SolUdp = 17;
    private const int SolSocket = 1;
    private const int SoSndBuf = 7;
    private const int SoRcvBuf = 8;
    private const int SoSndBufForce = 32;
    private const int SoRcvBufForce = 33;
    private const int UdpSegment = 103;
    private const int UdpGro = 104;
    private const int MsgDontWait = 0x40;
    private const int MsgTrunc = 0x20;
    private const short PollIn = 0x001;
    private const short PollOut = 0x004;
    private const int EIntr = 4;
    private const int EAgain = 11;
    private const int EIo = 5;
    private const int EInval = 22;

    /// <summary>Space of one control message with a u16 or int value: aligned header (16) + aligned data (8).</summary>
    private const int ControlSpace = 24;

    /// <summary>Most datagrams one segmented send may hold (the kernel's UDP_MAX_SEGMENTS on older kernels).</summary>
    public const int MaxSegmentsPerSend = 64;

    /// <summary>Most bytes one segmented send may hold: a UDP datagram's limit over IPv4 (65,535 − 20 − 8).</summary>
    public const int MaxBytesPerSend = 65_507;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [DllImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static extern nint SendMsg(int fd, MsgHdr* message, int flags);

    [DllImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static extern nint RecvMsg(int fd, MsgHdr* message, int flags);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static extern int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [DllImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static extern int GetSockOpt(int fd, int level, int name, void* value, uint* length);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int Poll(PollFd* fds, nuint count, int timeoutMs);

    /// <summary>True when the kernel knows UDP_SEGMENT on this socket (it may still refuse a send: see <see cref="Send"/>).</summary>
    public static bool ProbeSegmentation(SafeHandle socket)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            int value = 0;
            uint length = sizeof(int);
            return GetSockOpt((int)socket.DangerousGetHandle(), SolUdp, UdpSegment, &value, &length) == 0;
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>Asks the kernel to coalesce received datagrams (UDP_GRO); true when it accepted.</summary>
    public static bool EnableCoalescing(SafeHandle socket)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            int on = 1;
            return SetSockOpt((int)socket.DangerousGetHandle(), SolUdp, UdpGro, &on, sizeof(int)) == 0;
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Sets the socket's receive and send buffers to <paramref name="bytes"/>: past the system's cap
    /// (net.core.rmem_max, wmem_max) where the process may (SO_RCVBUFFORCE needs CAP_NET_ADMIN, which a node with a
    /// TUN device has), else up to that cap. Best effort: the kernel's default stays when both are refused.
    /// </summary>
    public static void GrowBuffers(SafeHandle socket, int bytes)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var fd = (int)socket.DangerousGetHandle();
            if (SetSockOpt(fd, SolSocket, SoRcvBufForce, &bytes, sizeof(int)) != 0)
            {
                SetSockOpt(fd, SolSocket, SoRcvBuf, &bytes, sizeof(int));
            }

            if (SetSockOpt(fd, SolSocket, SoSndBufForce, &bytes, sizeof(int)) != 0)
            {
                SetSockOpt(fd, SolSocket, SoSndBuf, &bytes, sizeof(int));
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>The errors with which a kernel that knows UDP_SEGMENT still refuses a segmented send: EIO (the route's
    /// device cannot checksum in hardware), EINVAL (a path or size it cannot segment).</summary>
    public static bool IsSegmentationRefusal(int error) => error is EIo or EInval;

    /// <summary>
    /// Sends <paramref name="datagrams"/> to <paramref name="address"/>: with <paramref name="segmentSize"/> &gt; 0 as
    /// datagrams of that size (the last one shorter or equal) in one call, else as one datagram. Waits for room when
    /// the socket is full. Returns 0, or the errno of a failure (the caller decides; nothing was sent).
    /// </summary>
    public static int Send(SafeHandle socket, ReadOnlySpan<byte> datagrams, SocketAddress address, int segmentSize)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var fd = (int)socket.DangerousGetHandle();
            byte* control = stackalloc byte[ControlSpace];
            fixed (byte* data = datagrams)
            fixed (byte* name = address.Buffer.Span)
            {
                var iov = new IoVec { Base = data, Length = (nuint)datagrams.Length };
                var message = new MsgHdr { Name = name, NameLength = (uint)address.Size, Iov = &iov, IovLength = 1 };
                if (segmentSize > 0)
                {
                    new Span<byte>(control, ControlSpace).Clear();
                    var header = (CmsgHdr*)control;
                    header->Length = (nuint)(sizeof(CmsgHdr) + sizeof(ushort));
                    header->Level = SolUdp;
                    header->Type = UdpSegment;
                    *(ushort*)(control + sizeof(CmsgHdr)) = (ushort)segmentSize;
                    message.Control = control;
                    message.ControlLength = ControlSpace;
                }

                while (true)
                {
                    if (SendMsg(fd, &message, 0) >= 0)
                    {
                        return 0;
                    }

                    var error = Marshal.GetLastPInvokeError();
                    if (error == EAgain)
                    {
                        var wait = new PollFd { Fd = fd, Events = PollOut };
                        Poll(&wait, 1, -1);
                    }
                    else if (error != EIntr)
                    {
                        return error;
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Reader thread, on a descriptor it holds a reference on: waits up to <paramref name="timeoutMs"/> for a datagram
    /// and receives it (or a coalesced run) into <paramref name="buffer"/>, the sender into <paramref name="from"/>.
    /// Returns the bytes received, -1 when nothing came in time (or the kernel reported an error for an earlier send,
    /// which is not this reader's business), and sets <paramref name="segmentSize"/> to the size of each coalesced
    /// datagram (0: one datagram). A datagram longer than the buffer is cut short; <paramref name="truncated"/> says so.
    /// </summary>
    public static int Receive(int fd, Span<byte> buffer, SocketAddress from, int timeoutMs, out int segmentSize, out bool truncated)
    {
        segmentSize = 0;
        truncated = false;
        var wait = new PollFd { Fd = fd, Events = PollIn };
        if (Poll(&wait, 1, timeoutMs) <= 0)
        {
            return -1;
        }

        byte* control = stackalloc byte[ControlSpace * 2];
        fixed (byte* data = buffer)
        fixed (byte* name = from.Buffer.Span)
        {
            var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
            var message = new MsgHdr
            {
                Name = name, NameLength = (uint)from.Buffer.Length, Iov = &iov, IovLength = 1,
                Control = control, ControlLength = ControlSpace * 2,
            };
            var received = RecvMsg(fd, &message, MsgDontWait);
            if (received < 0)
            {
                return -1;
            }

            from.Size = (int)message.NameLength;
            truncated = (message.Flags & MsgTrunc) != 0;
            for (var offset = 0; offset + sizeof(CmsgHdr) <= (int)message.ControlLength;)
            {
                var header = (CmsgHdr*)(control + offset);
                if (header->Length < (nuint)sizeof(CmsgHdr))
                {
                    break;
                }

                if (header->Level == SolUdp && header->Type == UdpGro)
                {
                    segmentSize = *(int*)(control + offset + sizeof(CmsgHdr));
                }

                offset += (int)((header->Length + 7) & ~(nuint)7);
            }

            return (int)received;
        }
    }
}
