using System.Net.Sockets;
using System.Runtime.InteropServices;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// Reads length-prefixed frames from one TCP socket: asynchronously while the handshake runs (<see cref="ReadFrameAsync"/>),
/// then on the link's event loop (<see cref="Decode"/> over the loop's receive buffer). One <see cref="TcpFrameDecoder"/>
/// serves both phases, so bytes that arrived right behind the last handshake message are not lost
/// (<see cref="DrainHandshakeBuffer"/>). Single owner at a time: the handshake, then the loop thread.
/// </summary>
internal sealed class TcpFrameReader
{
    /// <summary>Handshake-phase receive buffer, bytes: the largest handshake message is 128 bytes; anything longer that
    /// follows it (the peer's first frames) is assembled by the decoder.</summary>
    private const int HandshakeBufferSize = 1024;

    private readonly Socket _socket;
    private readonly TcpFrameDecoder _decoder = new();
    private byte[] _buffer = new byte[HandshakeBufferSize];
    private int _start;
    private int _end;

    public TcpFrameReader(Socket socket) => _socket = socket;

    /// <summary>
    /// The next complete frame in <paramref name="input"/> (advanced past what was consumed), or false when more must
    /// be read. Throws <see cref="InvalidDataException"/> when a length prefix breaks the framing rules. The frame is
    /// writable memory owned by the caller (the input) or by this reader (the decoder's assembly buffer), valid until
    /// the next call.
    /// </summary>
    public bool Decode(ref Span<byte> input, out Span<byte> frame)
    {
        frame = default;
        var status = _decoder.Decode(input, out var consumed, out var decoded);
        input = input[consumed..];
        switch (status)
        {
            case TcpDecodeStatus.Frame:
                // The decoder hands out read-only views of memory the caller or this reader owns; nothing else reads
                // it, so opening the frame in place is safe.
                frame = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(decoded), decoded.Length);
                return true;
            case TcpDecodeStatus.NeedMore:
                return false;
            default:
                throw new InvalidDataException($"TCP framing violated: {status} length prefix");
        }
    }

    /// <summary>Where the missing bytes of a frame split across reads may be received directly; empty when none is
    /// started. See <see cref="TcpFrameDecoder.Remainder"/>.</summary>
    public Span<byte> Remainder => _decoder.Remainder;

    /// <summary>Takes <paramref name="received"/> bytes received into <see cref="Remainder"/>; true with the whole
    /// frame (writable, owned by this reader, valid until the next call) once they complete it.</summary>
    public bool CompleteRemainder(int received, out Span<byte> frame)
    {
        var complete = _decoder.CompleteRemainder(received, out var decoded);
        frame = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(decoded), decoded.Length);
        return complete;
    }

    /// <summary>Loop thread, once: hands the frames that arrived behind the handshake to <paramref name="link"/> and
    /// frees the handshake buffer.</summary>
    public void DrainHandshakeBuffer(Links.Link link)
    {
        var rest = _buffer.AsSpan(_start, _end - _start);
        while (Decode(ref rest, out var frame))
        {
            link.ReceiveFrame(frame);
        }

        _buffer = [];
        _start = _end = 0;
    }

    /// <summary>The next frame as a copy (handshake phase only, a few per connection).</summary>
    public async ValueTask<byte[]> ReadFrameAsync(CancellationToken ct)
    {
        while (true)
        {
            var rest = _buffer.AsSpan(_start, _end - _start);
            var found = Decode(ref rest, out var frame);
            _start = _end - rest.Length;
            if (found)
            {
                return frame.ToArray();
            }

            _start = _end = 0; // everything was consumed (the decoder keeps a partial frame)
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, ct).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("connection closed during the handshake");
            }

            _end = read;
        }
    }
}
