using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// A link's TCP connection. Sends write the u16 length prefix into the two bytes in front of the frame and issue
/// one blocking send under a lock (the writer thread sends frames, the reader thread sends rekey replies, a producer
/// thread may send a small frame itself when that cannot block; the lock keeps records whole). Back-pressure: a full socket buffer blocks the writer thread, the link's send ring fills
/// and further frames are dropped and counted there. The reader loop runs on the link's own reader thread.
/// </summary>
internal sealed class TcpTransport : ILinkTransport
{
    private readonly Socket _socket;
    private readonly TcpFrameReader _reader;
    private readonly Lock _sendLock = new();

    /// <summary>The unsent rest of a record <see cref="TrySendNow"/> started (guarded by the send lock).</summary>
    private readonly byte[] _tail = new byte[TcpFraming.PrefixSize + DirectSendLimits.MaxFrame];
    private int _tailLength;
    private int _shutdown;

    public TcpTransport(Socket socket, TcpFrameReader reader)
    {
        _socket = socket;
        _reader = reader;
        RemoteEndPoint = socket.RemoteEndPoint ?? new IPEndPoint(IPAddress.None, 0);
    }

    public string Scheme => "tcp";

    public EndPoint RemoteEndPoint { get; }

    public int MaxFrameSize => FrameLayout.MaxFrameSize;

    public bool HasOwnReader => true;

    /// <summary>Sets the socket options every link connection uses.</summary>
    public static void Configure(Socket socket)
    {
        // Nagle would hold small frames (Hello, IHU, TCP ACK-clocked inner traffic) back by up to 200 ms.
        socket.NoDelay = true;
        // Keep-alive finds a silently vanished peer even when the hello timers above are paused.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
    }

    public void Send(byte[] buffer, int frameLength)
    {
        TcpFraming.TryWritePrefix(buffer.AsSpan(BufferLayout.FrameOffset - TcpFraming.PrefixSize), frameLength);
        lock (_sendLock)
        {
            SendStartedTail();
            SendAll(buffer, BufferLayout.FrameOffset - TcpFraming.PrefixSize, frameLength + TcpFraming.PrefixSize);
        }
    }

    public DirectSend TrySendNow(byte[] buffer, int frameLength)
    {
        // Another thread sending, a started frame not yet finished, or a frame too big for the tail: the queue keeps order.
        if (!OperatingSystem.IsLinux() || frameLength > DirectSendLimits.MaxFrame || !_sendLock.TryEnter())
        {
            return DirectSend.NotSent;
        }

        try
        {
            if (_tailLength != 0)
            {
                return DirectSend.NotSent;
            }

            var start = BufferLayout.FrameOffset - TcpFraming.PrefixSize;
            var record = buffer.AsSpan(start, frameLength + TcpFraming.PrefixSize);
            TcpFraming.TryWritePrefix(record, frameLength);
            int sent;
            try
            {
                sent = SocketNative.SendWithoutBlocking(_socket.SafeHandle, record);
            }
            catch (ObjectDisposedException)
            {
                return DirectSend.NotSent; // closed meanwhile: the writer's blocking path reports it
            }

            if (sent == 0)
            {
                return DirectSend.NotSent;
            }

            if (sent == record.Length)
            {
                return DirectSend.Sent;
            }

            // Part of the record is in the stream: nothing else may be sent before the rest of it.
            record[sent..].CopyTo(_tail);
            _tailLength = record.Length - sent;
            return DirectSend.Started;
        }
        finally
        {
            _sendLock.Exit();
        }
    }

    public void FlushStarted()
    {
        lock (_sendLock)
        {
            SendStartedTail();
        }
    }

    private void SendStartedTail()
    {
        if (_tailLength != 0)
        {
            SendAll(_tail, 0, _tailLength);
            _tailLength = 0;
        }
    }

    private void SendAll(byte[] buffer, int offset, int count)
    {
        if (OperatingSystem.IsLinux())
        {
            SocketNative.SendAll(_socket.SafeHandle, buffer.AsSpan(offset, count));
            return;
        }

        while (count > 0)
        {
            var sent = _socket.Send(buffer, offset, count, SocketFlags.None);
            offset += sent;
            count -= sent;
        }
    }

    public void PeerSeenAt(SocketAddress from)
    {
    }

    public void RunReader(Link link)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                SocketNative.MakeBlocking(_socket.SafeHandle);
            }

            while (true)
            {
                while (_reader.TryNext(out var frame))
                {
                    link.ReceiveFrame(frame);
                }

                if (!_reader.Fill())
                {
                    link.Terminate(LinkCloseCause.TransportFailed, "end of stream");
                    return;
                }
            }
        }
        catch (InvalidDataException e)
        {
            link.Terminate(LinkCloseCause.ProtocolViolation, e.Message);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            link.Terminate(LinkCloseCause.TransportFailed, e.Message);
        }
    }

    public void RegisterIndex(uint index, Link link)
    {
    }

    public void UnregisterIndex(uint index)
    {
    }

    public void Shutdown()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: closing below is all that is left to do.
        }

        _socket.Dispose();
    }
}
