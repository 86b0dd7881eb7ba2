using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MeshActors.Crypto.Session;
using MeshActors.DataPlane.Buffers;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// The receive path of a <see cref="Link"/>, run by its reader (the link's event loop for TCP, the node's shared UDP
/// reader thread): pick the session by receiver index, open in place, dispatch by frame type.
/// </summary>
public sealed partial class Link
{
    /// <summary>
    /// One received frame (already of valid length for the transport), from this link's reader. The span is
    /// opened in place, so it must be writable memory owned by the reader.
    /// </summary>
    internal void ReceiveFrame(Span<byte> frame)
    {
        try
        {
            ReceiveFrameCore(frame);
        }
        catch (ObjectDisposedException)
        {
            // A shared UDP reader raced the link's final cleanup: the frame is dropped like any frame after close.
            Stats.Drop(LinkDrop.Closed);
        }
    }

    /// <summary>
    /// As <see cref="ReceiveFrame(Span{byte})"/>, for a frame assembled in pool buffer <paramref name="owned"/> at
    /// <see cref="BufferLayout.FrameOffset"/> (TCP links; this link takes the buffer): a Data payload is passed on in
    /// that buffer without being copied; anything else is handled as usual and the buffer goes back to the pool.
    /// </summary>
    internal void ReceiveFrame(PacketBuffer owned, int frameLength)
    {
        _receivedInto = owned;
        try
        {
            ReceiveFrame(owned.Array.AsSpan(BufferLayout.FrameOffset, frameLength));
        }
        finally
        {
            if (_receivedInto is { } unused)
            {
                _receivedInto = null;
                unused.Return();
            }
        }
    }

    /// <summary>
    /// As <see cref="ReceiveFrame(Span{byte})"/>, for a datagram from <paramref name="from"/>: once a transport frame of this link
    /// opened (authenticated, not a replay), the link's peer address follows it. Frames that fail to open never move it.
    /// </summary>
    internal void ReceiveFrame(Span<byte> frame, System.Net.SocketAddress from)
    {
        try
        {
            if (ReceiveFrameCore(frame))
            {
                _transport.PeerSeenAt(from);
            }
        }
        catch (ObjectDisposedException)
        {
            Stats.Drop(LinkDrop.Closed);
        }
    }

    /// <summary>True when a transport frame opened under one of this link's sessions.</summary>
    private bool ReceiveFrameCore(Span<byte> frame)
    {
        if (frame.Length < FrameLayout.HeaderSize)
        {
            Stats.Drop(LinkDrop.Malformed);
            return false;
        }

        var type = (FrameType)frame[1];
        if (type.IsHandshake())
        {
            ReceiveHandshake(frame);
            return false;
        }

        var session = SessionFor(FrameHeader.ReceiverIndexOf(frame));
        if (session is null)
        {
            Stats.Drop(LinkDrop.WrongReceiver);
            return false;
        }

        if (session.IsExpired(_env.Clock.MonotonicMs))
        {
            Stats.Drop(LinkDrop.SessionExpired);
            return false;
        }

        var error = session.TryOpen(frame, out var opened);
        if (error != OpenError.None)
        {
            Stats.Drop(DropFor(error));
            return false;
        }

        Stats.Received(frame.Length);
        var payload = frame.Slice(OpenedFrame.PayloadOffset, opened.PayloadLength);
        switch (opened.Type)
        {
            case FrameType.Data or FrameType.EndToEndData:
                DeliverData(payload);
                break;
            case FrameType.Close:
                Terminate(LinkCloseCause.Remote, "peer closed the link", ClosePayload.Read(payload));
                break;
            case FrameType.Segment:
                ReceiveSegment(session.LocalIndex, opened.Counter, payload);
                break;
            default:
                DeliverControl(opened.Type, payload);
                break;
        }

        return true;
    }

    private void DeliverData(ReadOnlySpan<byte> payload)
    {
        var sink = _env.DataSink;
        if (sink is null)
        {
            Stats.Drop(LinkDrop.NoHandler);
            return;
        }

        if (_receivedInto is { } owned
            && Unsafe.AreSame(ref MemoryMarshal.GetReference(payload), ref owned.Array[BufferLayout.PayloadOffset]))
        {
            _receivedInto = null;
            owned.Set(BufferLayout.PayloadOffset, payload.Length);
            sink.OnData(this, owned);
            return;
        }

        if (payload.Length > _env.Pool.BufferSize - BufferLayout.PayloadOffset - FrameLayout.TagSize)
        {
            Stats.Drop(LinkDrop.TooBig);
            return;
        }

        if (!_env.Pool.TryRent(out var buffer))
        {
            Stats.Drop(LinkDrop.PoolExhausted);
            return;
        }

        payload.CopyTo(buffer.Array.AsSpan(BufferLayout.PayloadOffset));
        buffer.Set(BufferLayout.PayloadOffset, payload.Length);
        sink.OnData(this, buffer);
    }

    private void DeliverControl(FrameType type, ReadOnlySpan<byte> payload) => Inbox.Post(type, payload);

    /// <summary>One piece of a long payload; the whole payload goes on as if it had come in one frame.</summary>
    private void ReceiveSegment(uint sessionIndex, ulong counter, ReadOnlySpan<byte> payload)
    {
        var whole = _segments.Add(sessionIndex, counter, payload, _env.Pool, Stats, out var type);
        if (whole is null)
        {
            return;
        }

        if (type == FrameType.Control)
        {
            DeliverControl(type, whole.Span);
            whole.Return();
            return;
        }

        if (_env.DataSink is not { } sink)
        {
            Stats.Drop(LinkDrop.NoHandler);
            whole.Return();
            return;
        }

        sink.OnData(this, whole);
    }

    private LinkSession? SessionFor(uint receiverIndex)
    {
        var current = Volatile.Read(ref _current);
        if (current.LocalIndex == receiverIndex)
        {
            return current;
        }

        var previous = _previous;
        return previous is not null && previous.LocalIndex == receiverIndex ? previous : null;
    }

    private static LinkDrop DropFor(OpenError error) => error switch
    {
        OpenError.Replay => LinkDrop.Replay,
        OpenError.TooOld => LinkDrop.TooOld,
        OpenError.BadTag => LinkDrop.BadTag,
        OpenError.WrongReceiver => LinkDrop.WrongReceiver,
        OpenError.CounterLimit => LinkDrop.SessionExpired,
        _ => LinkDrop.Malformed,
    };
}
