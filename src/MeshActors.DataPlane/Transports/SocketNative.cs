using System.Runtime.InteropServices;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// send(2) with MSG_DONTWAIT, which .NET's <see cref="System.Net.Sockets.SocketFlags"/> cannot express: a send that
/// never blocks, whatever mode the runtime keeps the socket in. Linux only (the flag values are Linux's).
/// </summary>
internal static unsafe partial class SocketNative
{
    private const int MsgDontWait = 0x40;

    /// <summary>No SIGPIPE when the peer has closed: the error comes back as EPIPE instead.</summary>
    private const int MsgNoSignal = 0x4000;

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

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(SafeHandle socket, byte* buffer, nuint length, int flags);
}
