using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.IO;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// A link's TCP connection, served by the link's event loop: reads fill the loop's receive buffer and are cut into
/// frames by the <see cref="TcpFrameReader"/>; sends write the u16 length prefix into the two bytes in front of the
/// frame and never block. A record the socket cannot take whole is kept (the loop's buffer, or the small tail of a
/// producer's direct send) and finished when the socket has room, before anything else is sent. Back-pressure: while
/// the socket is full the link's send ring fills and further frames are dropped and counted there.
/// </summary>
internal sealed class TcpTransport : ILinkTransport
{
    /// <summary>Socket reads per wake-up, at most (each up to the loop's 64 KiB buffer): a busy link yields to the
    /// others sharing its loop after ~256 KiB, and level-triggered epoll brings the loop back for the rest.</summary>
    private const int MaxReadsPerWakeup = 4;

    private readonly Socket _socket;
    private readonly TcpFrameReader _reader;
    private readonly int _fd;

    /// <summary>The unsent rest of a record <see cref="TrySendNow"/> started (written under the link's send gate).</summary>
    private readonly byte[] _tail = new byte[TcpFraming.PrefixSize + DirectSendLimits.MaxFrame];
    private int _tailStart;
    private int _tailEnd;

    /// <summary>A queued record the socket took only part of (loop thread): the buffer and the next byte to send.</summary>
    private PacketBuffer? _pending;
    private int _pendingStart;
    private int _pendingEnd;

    private bool _watched;
    private int _shutdown;

    /// <param name="remote">The peer's address when the socket was connected by hand (the runtime does not know it).</param>
    public TcpTransport(Socket socket, TcpFrameReader reader, EndPoint? remote = null)
    {
        _socket = socket;
        _reader = reader;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        RemoteEndPoint = remote ?? socket.RemoteEndPoint ?? new IPEndPoint(IPAddress.None, 0);
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

    /// <summary>Handshake phase only (before the link exists): a blocking send of one handshake message.</summary>
    public void SendHandshake(byte[] buffer, int frameLength)
    {
        TcpFraming.TryWritePrefix(buffer.AsSpan(BufferLayout.FrameOffset - TcpFraming.PrefixSize), frameLength);
        SocketNative.SendAll(_socket.SafeHandle, buffer.AsSpan(BufferLayout.FrameOffset - TcpFraming.PrefixSize, frameLength + TcpFraming.PrefixSize));
    }

    public bool TrySend(PacketBuffer buffer)
    {
        var start = BufferLayout.FrameOffset - TcpFraming.PrefixSize;
        var end = BufferLayout.FrameOffset + buffer.SealedFrameLength;
        TcpFraming.TryWritePrefix(buffer.Array.AsSpan(start), buffer.SealedFrameLength);
        var sent = SocketNative.Send(_fd, buffer.Array.AsSpan(start, end - start));
        if (sent == end - start)
        {
            return true;
        }

        _pending = buffer;
        _pendingStart = start + sent;
        _pendingEnd = end;
        return false;
    }

    public bool BatchesDatagrams => false;

    public bool Flush()
    {
        while (_tailStart < _tailEnd)
        {
            var sent = SocketNative.Send(_fd, _tail.AsSpan(_tailStart, _tailEnd - _tailStart));
            if (sent == 0)
            {
                return false;
            }

            _tailStart += sent;
        }

        while (_pending is { } pending)
        {
            var sent = SocketNative.Send(_fd, pending.Array.AsSpan(_pendingStart, _pendingEnd - _pendingStart));
            if (sent == 0)
            {
                return false;
            }

            _pendingStart += sent;
            if (_pendingStart == _pendingEnd)
            {
                _pending = null;
                pending.Return();
            }
        }

        return true;
    }

    public DirectSend TrySendNow(byte[] buffer, int frameLength)
    {
        // A started record not yet finished, or a frame too big for the tail: the queue keeps order.
        if (frameLength > DirectSendLimits.MaxFrame || _tailStart < _tailEnd || _pending is not null)
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
            return DirectSend.NotSent; // closed meanwhile: the loop reports it
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
        _tailStart = 0;
        _tailEnd = record.Length - sent;
        return DirectSend.Started;
    }

    public void PeerSeenAt(SocketAddress from)
    {
    }

    public void StartReading(Link link, EventLoop loop, int slot)
    {
        SocketNative.MakeNonBlocking(_fd);
        loop.Watch(slot, _fd, writable: false, add: true);
        _watched = true;
        _reader.DrainHandshakeBuffer(link);
        _reader.AssembleInto(link.Pool);
    }

    public void SendSegments(ReadOnlySpan<byte> datagrams, int datagramSize) =>
        throw new InvalidOperationException("a TCP link carries every frame whole");

    public void WatchWritable(EventLoop loop, int slot, bool writable)
    {
        if (_watched)
        {
            loop.Watch(slot, _fd, writable, add: false);
        }
        else if (writable)
        {
            // Not reading yet (unclaimed link): watch for room only.
            loop.Watch(slot, _fd, writable: true, add: true);
            _watched = true;
        }
    }

    public bool Read(Link link, byte[] scratch)
    {
        for (var reads = 0; reads < MaxReadsPerWakeup; reads++)
        {
            // A frame split across reads (most long ones: a frame is about as long as the scratch) gets its rest
            // straight into the buffer it is assembled in (a pool buffer where it fits), not via the scratch.
            var remainder = _reader.Remainder;
            if (!remainder.IsEmpty)
            {
                var rest = SocketNative.Receive(_fd, remainder);
                if (rest <= 0)
                {
                    return rest < 0;
                }

                if (_reader.CompleteRemainder(rest, out var whole))
                {
                    Deliver(link, whole);
                }

                if (rest < remainder.Length)
                {
                    return true; // drained
                }

                continue;
            }

            var received = SocketNative.Receive(_fd, scratch);
            if (received == 0)
            {
                return false;
            }

            if (received < 0)
            {
                return true;
            }

            var input = scratch.AsSpan(0, received);
            while (_reader.Decode(ref input, out var frame))
            {
                Deliver(link, frame);
            }

            if (received < scratch.Length)
            {
                return true; // drained; level-triggered epoll reports anything that arrives meanwhile
            }
        }

        return true;
    }

    /// <summary>A frame assembled in a pool buffer goes to the link with that buffer, so its payload is not copied.</summary>
    private void Deliver(Link link, Span<byte> frame)
    {
        if (_reader.TakeStored() is { } stored)
        {
            link.ReceiveFrame(stored, frame.Length);
        }
        else
        {
            link.ReceiveFrame(frame);
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
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset by the peer, or released: nothing left to end.
        }
    }

    /// <summary>The handshake failed: no link and no loop own the socket; close it here.</summary>
    public void Abandon()
    {
        Shutdown();
        _socket.Dispose();
    }

    public void Release(EventLoop loop)
    {
        if (_watched)
        {
            loop.Unwatch(_fd);
            _watched = false;
        }

        Shutdown();
        _socket.Dispose();
        _reader.ReleaseStored();
        if (_pending is { } pending)
        {
            _pending = null;
            pending.Return();
        }
    }
}
