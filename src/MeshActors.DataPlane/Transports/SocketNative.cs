using System.Runtime.InteropServices;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// send(2), recv(2), fcntl(2) and poll(2) on a link's TCP socket, called straight from the link's own threads (Linux
/// only; the flag values are Linux's).
/// <para>Why not <see cref="System.Net.Sockets.Socket"/>'s blocking calls: once a socket has run an asynchronous
/// operation (the handshake does), .NET keeps it non-blocking for good and emulates a blocking call that must wait by
/// queueing an operation object for its epoll thread and sleeping on an event — an allocation and a thread hop per
/// wait. After the handshake the link's reader makes the descriptor blocking again (<see cref="MakeBlocking"/>; no
/// asynchronous operation is ever issued on it after that), so a wait is one recv or send in the kernel.</para>
/// <para>Until then (and if the descriptor is non-blocking for any other reason) a call that would block waits in a
/// bounded poll (<see cref="PollSliceMs"/>) and retries. A thread blocked in recv or send returns when the socket is
/// shut down, which the transport always does before disposing it; after disposal the next call throws
/// <see cref="ObjectDisposedException"/>.</para>
/// </summary>
internal static unsafe partial class SocketNative
{
    private const int MsgDontWait = 0x40;

    /// <summary>No SIGPIPE when the peer has closed: the error comes back as EPIPE instead.</summary>
    private const int MsgNoSignal = 0x4000;

    private const int FGetFl = 3;
    private const int FSetFl = 4;
    private const int ONonBlock = 0x800;
    private const short PollIn = 0x001;
    private const short PollOut = 0x004;
    private const int EIntr = 4;
    private const int EAgain = 11;
    private const int PollSliceMs = 1000;

    /// <summary>Bytes sent at once (possibly fewer than asked); 0 when nothing could be sent without blocking or the
    /// send failed — the caller then leaves the bytes to its blocking path, which reports any error.</summary>
    public static int SendWithoutBlocking(SafeHandle socket, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* data = bytes)
        {
            var sent = Send(socket, data, (nuint)bytes.Length, MsgDontWait | MsgNoSignal);
            return sent > 0 ? (int)sent : 0;
        }
    }

    /// <summary>Clears O_NONBLOCK on the socket's descriptor, so recv and send wait in the kernel.</summary>
    public static void MakeBlocking(SafeHandle socket)
    {
        var flags = Fcntl(socket, FGetFl, 0);
        if (flags < 0 || Fcntl(socket, FSetFl, flags & ~ONonBlock) < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new IOException($"fcntl failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})");
        }
    }

    /// <summary>Sends every byte, waiting for room as long as it takes. Throws <see cref="IOException"/> on a failure.</summary>
    public static void SendAll(SafeHandle socket, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* data = bytes)
        {
            var offset = 0;
            while (offset < bytes.Length)
            {
                var sent = Send(socket, data + offset, (nuint)(bytes.Length - offset), MsgNoSignal);
                if (sent > 0)
                {
                    offset += (int)sent;
                }
                else
                {
                    WaitOrThrow(socket, PollOut, "send");
                }
            }
        }
    }

    /// <summary>Receives at least one byte, waiting as long as it takes; 0 at end of stream. Throws <see cref="IOException"/> on a failure.</summary>
    public static int Receive(SafeHandle socket, Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            while (true)
            {
                var received = Recv(socket, data, (nuint)buffer.Length, 0);
                if (received >= 0)
                {
                    return (int)received;
                }

                WaitOrThrow(socket, PollIn, "recv");
            }
        }
    }

    /// <summary>After a call returned -1: waits for the socket when it would have blocked, else throws.</summary>
    private static void WaitOrThrow(SafeHandle socket, short events, string call)
    {
        var error = Marshal.GetLastPInvokeError();
        if (error is not (EAgain or EIntr))
        {
            throw new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})");
        }

        var fd = new PollFd { Events = events };
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            fd.Fd = (int)socket.DangerousGetHandle();
            Poll(&fd, 1, PollSliceMs);
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(SafeHandle socket, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(SafeHandle socket, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(SafeHandle socket, int command, int argument);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);
}
