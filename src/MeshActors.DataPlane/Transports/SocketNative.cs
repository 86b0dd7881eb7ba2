using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static Tmds.Linux.LibC;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// send(2), recv(2), connect(2), fcntl(2) and poll(2) on a link's TCP socket through Tmds.LibC (Linux only).
/// <para>Why not <see cref="System.Net.Sockets.Socket"/>'s calls: after the handshake a link's socket is served by the
/// node's event loops (<see cref="IO.EventLoop"/>), which need plain non-blocking calls on the descriptor that
/// allocate nothing and report EAGAIN as "later", not as an exception.</para>
/// <para>Calls taking a <see cref="SafeHandle"/> hold a reference on it for the call (producer threads send this way
/// while the loop may be closing the socket: after disposal they throw <see cref="ObjectDisposedException"/>).
/// Calls taking a descriptor run on the loop thread, which alone closes it.</para>
/// </summary>
internal static unsafe class SocketNative
{
    /// <summary>Longest single wait of the blocking send the handshake uses, milliseconds; it retries after.</summary>
    private const int PollSliceMs = 1000;

    /// <summary>Bytes sent at once (possibly fewer than asked); 0 when nothing could be sent without blocking or the
    /// send failed — the caller then leaves the bytes to the loop, which reports any error.</summary>
    public static int SendWithoutBlocking(SafeHandle socket, ReadOnlySpan<byte> bytes)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            fixed (byte* data = bytes)
            {
                var sent = (long)send((int)socket.DangerousGetHandle(), data, bytes.Length, MSG_DONTWAIT | MSG_NOSIGNAL);
                return sent > 0 ? (int)sent : 0;
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

    /// <summary>Loop thread: bytes sent without blocking, 0 when the socket is full. Throws <see cref="IOException"/>
    /// on a failure (reset, broken pipe).</summary>
    public static int Send(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* data = bytes)
        {
            while (true)
            {
                var sent = (long)send(fd, data, bytes.Length, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (sent >= 0)
                {
                    return (int)sent;
                }

                var error = errno;
                if (error == EAGAIN)
                {
                    return 0;
                }

                if (error != EINTR)
                {
                    throw Failure("send", error);
                }
            }
        }
    }

    /// <summary>Loop thread: bytes received without blocking; 0 at end of stream, -1 when nothing is there yet.
    /// Throws <see cref="IOException"/> on a failure.</summary>
    public static int Receive(int fd, Span<byte> buffer)
    {
        fixed (byte* data = buffer)
        {
            while (true)
            {
                var received = (long)recv(fd, data, buffer.Length, MSG_DONTWAIT);
                if (received >= 0)
                {
                    return (int)received;
                }

                var error = errno;
                if (error == EAGAIN)
                {
                    return -1;
                }

                if (error != EINTR)
                {
                    throw Failure("recv", error);
                }
            }
        }
    }

    /// <summary>Sets O_NONBLOCK on the descriptor (the loop never waits in a socket call).</summary>
    public static void MakeNonBlocking(int fd)
    {
        var flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        {
            throw Failure("fcntl", errno);
        }
    }

    /// <summary>Handshake phase only: sends every byte, waiting for room (a few small messages per connection).
    /// Throws <see cref="IOException"/> on a failure.</summary>
    public static void SendAll(SafeHandle socket, ReadOnlySpan<byte> bytes)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var fd = (int)socket.DangerousGetHandle();
            var offset = 0;
            while (offset < bytes.Length)
            {
                var sent = Send(fd, bytes[offset..]);
                if (sent > 0)
                {
                    offset += sent;
                    continue;
                }

                var wait = new Tmds.Linux.pollfd { fd = fd, events = POLLOUT };
                poll(&wait, 1, PollSliceMs);
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

    /// <summary>Starts a non-blocking connect(2) of <paramref name="fd"/> (made non-blocking here) to
    /// <paramref name="address"/>: true when it connected at once, false when it is under way (wait until writable,
    /// then <see cref="ThrowIfConnectFailed"/>). Throws <see cref="SocketException"/> when it failed at once.</summary>
    public static bool StartConnect(int fd, SocketAddress address)
    {
        MakeNonBlocking(fd);
        fixed (byte* name = address.Buffer.Span)
        {
            while (connect(fd, (Tmds.Linux.sockaddr*)name, (uint)address.Size) != 0)
            {
                var error = errno;
                if (error == EINPROGRESS)
                {
                    return false;
                }

                if (error != EINTR)
                {
                    throw new SocketException(error);
                }
            }
        }

        return true;
    }

    /// <summary>After a connect under way reported writable: throws <see cref="SocketException"/> with its error, if any.</summary>
    public static void ThrowIfConnectFailed(int fd)
    {
        int error = 0;
        Tmds.Linux.socklen_t length = sizeof(int);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        {
            throw Failure("getsockopt", errno);
        }

        if (error != 0)
        {
            throw new SocketException(error);
        }
    }

    private static IOException Failure(string call, int error) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})");
}
