using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.DataPlane.Buffers;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// Rekeying a <see cref="Link"/> on its own transport: the loop's tick starts a pinned (IK) initiation when the
/// current session asks for it (<see cref="Maintain"/>); the reader (loop or shared UDP reader) answers the peer's initiations through
/// the node's responder and completes our own; either way the new session becomes current and the old one stays
/// as previous (frames in flight still open) until the next rekey retires it.
/// </summary>
public sealed partial class Link
{
    /// <summary>A session established for this link's peer by the node's responder (UDP rekey); reader thread only.</summary>
    internal void AdoptRekeyedSession(LinkSession session)
    {
        if (session.Peer != Peer || IsClosing)
        {
            Stats.Drop(LinkDrop.Handshake);
            _env.Indexes.Release(session.LocalIndex);
            session.Dispose();
            return;
        }

        Adopt(session);
    }

    /// <summary>Rekey handshakes arriving on this link (TCP: all of them; UDP: responses to our own initiation).</summary>
    private void ReceiveHandshake(Span<byte> frame)
    {
        if (FrameCodec.TryParse(frame, out var parsed) != FrameParseError.None)
        {
            Stats.Drop(LinkDrop.Malformed);
            return;
        }

        var now = _env.Clock.MonotonicMs;
        var reply = _readerScratch.AsSpan(BufferLayout.FrameOffset);
        if (parsed.Header.Type == FrameType.HandshakeResponse)
        {
            ReceiveRekeyResponse(frame, parsed.Header, now, reply);
            return;
        }

        // The peer rekeys (or sends an XX finish of a rekey): answer through the node's responder.
        var index = parsed.Header.Type == FrameType.HandshakeInit ? _env.Indexes.Allocate() : 0;
        var result = _env.Responder.Receive(frame, index, now, reply);
        if (result.Status == HandshakeStatus.Rejected)
        {
            Stats.Drop(LinkDrop.Handshake);
            _env.Indexes.Release(index);
            return;
        }

        if (result.ReplyLength > 0)
        {
            SendHandshakeFrame(_readerScratch, result.ReplyLength);
        }

        if (result.Session is { } session)
        {
            AdoptRekeyedSession(session);
        }
    }

    private void ReceiveRekeyResponse(ReadOnlySpan<byte> frame, FrameHeader header, long now, Span<byte> reply)
    {
        lock (_rekeyLock)
        {
            if (_rekey is null || header.ReceiverIndex != _rekeyIndex)
            {
                Stats.Drop(LinkDrop.Handshake);
                return;
            }

            var result = _rekey.Receive(frame, now, reply);
            _rekey.Dispose();
            _rekey = null;
            if (result.Session is { } session && session.Peer == Peer)
            {
                Adopt(session);
                return;
            }

            result.Session?.Dispose();
            Stats.Drop(LinkDrop.Handshake);
            _transport.UnregisterIndex(_rekeyIndex);
            _env.Indexes.Release(_rekeyIndex);
        }
    }

    /// <summary>Makes <paramref name="session"/> current; the old current stays as previous, the old previous is freed.</summary>
    private void Adopt(LinkSession session)
    {
        _transport.RegisterIndex(session.LocalIndex, this);
        var retired = _previous;
        _previous = Volatile.Read(ref _current);
        Volatile.Write(ref _current, session);
        Stats.Rekeyed();
        if (retired is not null)
        {
            Release(retired);
        }
    }

    private void Release(LinkSession session)
    {
        _transport.UnregisterIndex(session.LocalIndex);
        _env.Indexes.Release(session.LocalIndex);
        session.Dispose();
    }

    /// <summary>The loop's maintenance tick: expire the session or start a rekey when it is due.</summary>
    private void Maintain()
    {
        var now = _env.Clock.MonotonicMs;
        var current = Volatile.Read(ref _current);
        if (current.IsExpired(now))
        {
            Terminate(LinkCloseCause.SessionExpired, "session expired without a successful rekey");
            return;
        }

        var due = current.IsInitiator ? current.RekeyDue(now) : current.SentFrames >= SessionLimits.RekeyAfterMessages;
        if (!due)
        {
            return;
        }

        lock (_rekeyLock)
        {
            if (_rekey is not null)
            {
                if (now - _rekeyStartedMs < _env.Options.HandshakeTimeoutMs)
                {
                    return;
                }

                // The last attempt got no answer: forget it and try again.
                _rekey.Dispose();
                _transport.UnregisterIndex(_rekeyIndex);
                _env.Indexes.Release(_rekeyIndex);
            }

            _rekeyIndex = _env.Indexes.Allocate();
            _rekey = new HandshakeInitiator(_env.Handshake, Peer, _rekeyIndex);
            _rekeyStartedMs = now;
            _transport.RegisterIndex(_rekeyIndex, this);
            var length = _rekey.WriteInitiation((ulong)_env.Clock.UnixMs, _writerScratch.AsSpan(BufferLayout.FrameOffset));
            SendHandshakeFrame(_writerScratch, length);
        }
    }
}
