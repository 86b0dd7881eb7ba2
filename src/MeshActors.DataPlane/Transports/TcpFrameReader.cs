using System.Net.Sockets;
using System.Runtime.InteropServices;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.IO;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// Reads length-prefixed frames from one TCP socket: asynchronously while the handshake runs
/// (<see cref="ReadFrameAsync"/>, waiting on an event loop, never through the runtime's socket engine:
/// <see cref="ReadinessWait"/>), then on the link's event loop (<see cref="Decode"/> over the loop's receive buffer).
/// One <see cref="TcpFrameDecoder"/> serves both phases, so bytes that arrived right behind the last handshake
/// message are not lost (<see cref="DrainHandshakeBuffer"/>). Single owner at a time: the handshake, then the loop thread.
/// </summary>
internal sealed class TcpFrameReader
{
    /// <summary>Handshake-phase receive buffer, bytes: the largest handshake message is 128 bytes; anything longer that
    /// follows it (the peer's first frames) is assembled by the decoder.</summary>
    private const int HandshakeBufferSize = 1024;

    private readonly Socket _socket;
    private readonly EventLoop _waits;
    private readonly TcpFrameDecoder _decoder = new();
    private byte[] _buffer = new byte[HandshakeBufferSize];
    private int _start;
    private int _end;
    private BufferPool? _pool;

    /// <summary>The pool buffer a split frame is being assembled in (loop phase), until it is taken or released.</summary>
    private PacketBuffer? _stored;

    /// <param name="waits">The event loop the handshake phase waits on for data.</param>
    public TcpFrameReader(Socket socket, EventLoop waits)
    {
        _socket = socket;
        _waits = waits;
    }

    /// <summary>
    /// Loop phase: from now on a frame split across reads is assembled in a buffer of <paramref name="pool"/>, at the
    /// offset a link frame has in a packet buffer, when it fits and a buffer is free; the link then passes its payload
    /// on in that buffer instead of copying it (<see cref="TakeStored"/>).
    /// </summary>
    public void AssembleInto(BufferPool pool)
    {
        _pool = pool;
        _decoder.AssemblyStore = RentStore;
    }

    /// <summary>The buffer holding the frame last returned, when it was assembled in one; the caller owns it then.</summary>
    public PacketBuffer? TakeStored()
    {
        if (!_decoder.LastFrameWasStored)
        {
            return null;
        }

        var stored = _stored;
        _stored = null;
        return stored;
    }

    /// <summary>Gives back a buffer holding a frame that will never complete (the link is going away).</summary>
    public void ReleaseStored()
    {
        if (_stored is { } stored)
        {
            _stored = null;
            stored.Return();
        }
    }

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

    private Memory<byte> RentStore(int frameLength)
    {
        if (_pool is null || BufferLayout.FrameOffset + frameLength > _pool.BufferSize || !_pool.TryRent(out var buffer))
        {
            return Memory<byte>.Empty;
        }

        // Cleared up to here when the buffer goes back, even if the frame never completes.
        buffer.Set(0, BufferLayout.FrameOffset + frameLength);
        _stored = buffer;
        return buffer.Array.AsMemory(BufferLayout.FrameOffset, frameLength);
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
            var fd = (int)_socket.SafeHandle.DangerousGetHandle();
            int read;
            while ((read = SocketNative.Receive(fd, _buffer)) < 0)
            {
                await ReadinessWait.WhenReady(_waits, fd, writable: false, ct).ConfigureAwait(false);
            }

            if (read == 0)
            {
                throw new EndOfStreamException("connection closed during the handshake");
            }

            _end = read;
        }
    }
}
