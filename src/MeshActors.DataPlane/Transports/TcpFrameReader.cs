using System.Net.Sockets;
using System.Runtime.InteropServices;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// Reads length-prefixed frames from one TCP socket: asynchronously while the handshake runs, then blocking on the
/// link's reader thread. One receive buffer and one <see cref="TcpFrameDecoder"/> serve both phases, so bytes that
/// arrived right behind the last handshake message are not lost. Single owner; allocates only at construction.
/// </summary>
internal sealed class TcpFrameReader
{
    /// <summary>Receive buffer bytes: one maximum frame plus prefix, so a kernel read can return a whole large frame.</summary>
    private const int ReceiveBufferSize = FrameLayout.MaxFrameSize + TcpFraming.PrefixSize;

    private readonly Socket _socket;
    private readonly TcpFrameDecoder _decoder = new();
    private readonly byte[] _buffer = new byte[ReceiveBufferSize];
    private int _start;
    private int _end;

    public TcpFrameReader(Socket socket) => _socket = socket;

    /// <summary>
    /// The next complete frame among the bytes already received, or false when more must be read.
    /// Throws <see cref="InvalidDataException"/> when a length prefix breaks the framing rules.
    /// The frame is writable memory owned by this reader (its buffer or the decoder's) and valid until the next call.
    /// </summary>
    public bool TryNext(out Span<byte> frame)
    {
        frame = default;
        var status = _decoder.Decode(_buffer.AsSpan(_start, _end - _start), out var consumed, out var decoded);
        _start += consumed;
        switch (status)
        {
            case TcpDecodeStatus.Frame:
                // The decoder hands out read-only views of memory this reader owns (its receive buffer or the
                // decoder's assembly buffer); nothing else reads it, so opening the frame in place is safe.
                frame = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(decoded), decoded.Length);
                return true;
            case TcpDecodeStatus.NeedMore:
                return false;
            default:
                throw new InvalidDataException($"TCP framing violated: {status} length prefix");
        }
    }

    /// <summary>Blocking read of more bytes (on Linux without the runtime's emulation, see <see cref="SocketNative"/>);
    /// false at end of stream.</summary>
    public bool Fill()
    {
        Compact();
        var read = OperatingSystem.IsLinux()
            ? SocketNative.Receive(_socket.SafeHandle, _buffer.AsSpan(_end))
            : _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        _end += read;
        return read > 0;
    }

    public async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        Compact();
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    /// <summary>The next frame as a copy (handshake phase only, a few per connection).</summary>
    public async ValueTask<byte[]> ReadFrameAsync(CancellationToken ct)
    {
        while (true)
        {
            if (TryNext(out var frame))
            {
                return frame.ToArray();
            }

            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                throw new EndOfStreamException("connection closed during the handshake");
            }
        }
    }

    /// <summary>Everything before <c>_start</c> is consumed (the decoder copied any partial frame), so reading restarts at 0.</summary>
    private void Compact()
    {
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
    }
}
