using System.Buffers.Binary;
using MeshActors.Protocol.Frames;

namespace MeshActors.Crypto.Handshake;

/// <summary>
/// The responding side for all of a node's incoming handshakes. Order of work per initiation, cheapest first:
/// frame codec (size, version, flags) → network-key flag against the policy → X25519 → AEAD → admission →
/// timestamp replay check. IK is answered in one step and leaves no state behind; XX keeps a half-open state until
/// its finish arrives, at most <c>maxHalfOpen</c> of them (the oldest is evicted), so a flood costs bounded memory.
/// Per-identity initiation timestamps are remembered for up to <c>maxRememberedPeers</c> identities (oldest evicted).
/// Single owner (the peer manager), not thread safe.
/// </summary>
public sealed class HandshakeResponder : IDisposable
{
    /// <summary>Default cap on XX handshakes awaiting their finish: 1,024 × ~1 KB of state is ~1 MB at most.</summary>
    public const int DefaultMaxHalfOpen = 1024;

    /// <summary>Default number of peers whose last initiation timestamp is remembered (16 bytes + key each).</summary>
    public const int DefaultMaxRememberedPeers = 4096;

    private readonly HandshakeSettings _settings;
    private readonly BoundedLru<uint, PendingHandshake> _halfOpen;
    private readonly BoundedLru<PublicIdentity, ulong> _lastTimestamps;

    public HandshakeResponder(
        HandshakeSettings settings,
        int maxHalfOpen = DefaultMaxHalfOpen,
        int maxRememberedPeers = DefaultMaxRememberedPeers)
    {
        _settings = settings;
        _halfOpen = new BoundedLru<uint, PendingHandshake>(maxHalfOpen);
        _lastTimestamps = new BoundedLru<PublicIdentity, ulong>(maxRememberedPeers);
    }

    public int HalfOpenCount => _halfOpen.Count;

    /// <summary>Half-open handshakes dropped to make room for newer ones.</summary>
    public long HalfOpenEvictions => _halfOpen.Evictions;

    /// <summary>
    /// Handles an initiation or an XX finish. <paramref name="localIndex"/> is the index this node will use if the
    /// message starts a session (ignored for a finish, which names its own). <paramref name="reply"/> needs
    /// <see cref="HandshakeLayout.XxResponseSize"/> bytes.
    /// </summary>
    public HandshakeResult Receive(ReadOnlySpan<byte> frame, uint localIndex, long nowMs, Span<byte> reply)
    {
        if (FrameCodec.TryParse(frame, out var parsed) != FrameParseError.None)
        {
            return HandshakeResult.Rejected(HandshakeError.Malformed);
        }

        return parsed.Header.Type switch
        {
            FrameType.HandshakeInit => ReceiveInitiation(frame, (HandshakeFlags)parsed.Header.Flags, localIndex, nowMs, reply),
            FrameType.HandshakeFinish => ReceiveFinish(frame, parsed.Header, nowMs),
            _ => HandshakeResult.Rejected(HandshakeError.Unexpected),
        };
    }

    /// <summary>Drops a half-open XX handshake (the caller's timer for it expired).</summary>
    public void Forget(uint localIndex)
    {
        if (_halfOpen.TryRemove(localIndex, out var pending))
        {
            pending.Dispose();
        }
    }

    public void Dispose() => _halfOpen.Clear();

    private HandshakeResult ReceiveInitiation(ReadOnlySpan<byte> frame, HandshakeFlags flags, uint localIndex, long nowMs, Span<byte> reply)
    {
        var offersKey = (flags & HandshakeFlags.NetworkKey) != 0;
        if (offersKey && !_settings.Admission.HasNetworkKey)
        {
            return HandshakeResult.Rejected(HandshakeError.NetworkKeyUnknown);
        }

        if (!offersKey && _settings.Admission.RequiresNetworkKey)
        {
            return HandshakeResult.Rejected(HandshakeError.NetworkKeyRequired);
        }

        var pinned = (flags & HandshakeFlags.Pinned) != 0;
        var replySize = pinned ? HandshakeLayout.IkResponseSize : HandshakeLayout.XxResponseSize;
        if (reply.Length < replySize)
        {
            return HandshakeResult.Rejected(HandshakeError.ReplyBufferTooSmall);
        }

        var remoteIndex = BinaryPrimitives.ReadUInt32BigEndian(frame[FrameLayout.HeaderSize..]);
        var state = new HandshakeState(
            initiator: false, _settings.Identity, pinned ? _settings.Identity.Public : null, HandshakePsk.For(_settings.Admission, flags));
        var keep = false;
        try
        {
            var offset = FrameLayout.HeaderSize + HandshakeLayout.IndexSize;
            state.MixCleartext(frame[..offset]);
            if (!state.ReadEphemeral(frame[offset..]))
            {
                return HandshakeResult.Rejected(HandshakeError.BadKey);
            }

            offset += HandshakeLayout.KeySize;
            if (pinned)
            {
                // IK: -> e, es, s, ss
                if (!state.MixEs())
                {
                    return HandshakeResult.Rejected(HandshakeError.BadKey);
                }

                var staticError = state.ReadStatic(frame[offset..]);
                if (staticError != HandshakeError.None)
                {
                    return HandshakeResult.Rejected(staticError);
                }

                offset += HandshakeLayout.SealedKeySize;
                if (!state.MixSs())
                {
                    return HandshakeResult.Rejected(HandshakeError.BadKey);
                }
            }

            // XX: -> e (payload sealed under the psk-derived key: a peer without the network key fails here, before any DH).
            Span<byte> payloadBytes = stackalloc byte[InitPayload.Size];
            if (!state.ReadPayload(frame[offset..], payloadBytes))
            {
                return HandshakeResult.Rejected(HandshakeError.AuthenticationFailed);
            }

            var payload = InitPayload.Read(payloadBytes);
            if (pinned)
            {
                var admission = Admit(state.RemoteIdentity, offersKey, payload.Timestamp);
                if (admission != HandshakeError.None)
                {
                    return HandshakeResult.Rejected(admission);
                }

                var replyLength = WriteResponse(state, flags, remoteIndex, localIndex, reply);
                if (replyLength == 0)
                {
                    return HandshakeResult.Rejected(HandshakeError.BadKey);
                }

                var session = SessionFactory.Create(
                    state, isInitiator: false, localIndex, remoteIndex, _settings.OfferedCapabilities, payload.Capabilities, nowMs);
                return HandshakeResult.Established(session, replyLength);
            }

            var length = WriteResponse(state, flags, remoteIndex, localIndex, reply);
            if (length == 0)
            {
                return HandshakeResult.Rejected(HandshakeError.BadKey);
            }

            _halfOpen.Set(localIndex, new PendingHandshake(state, remoteIndex, flags, payload));
            keep = true;
            return HandshakeResult.Reply(length);
        }
        finally
        {
            if (!keep)
            {
                state.Dispose();
            }
        }
    }

    /// <summary>XX: -> s, se; then admission and the timestamp check now that the identity is known.</summary>
    private HandshakeResult ReceiveFinish(ReadOnlySpan<byte> frame, FrameHeader header, long nowMs)
    {
        if (!_halfOpen.TryRemove(header.ReceiverIndex, out var pending))
        {
            return HandshakeResult.Rejected(HandshakeError.UnknownHandshake);
        }

        using (pending)
        {
            var offersKey = (pending.Flags & HandshakeFlags.NetworkKey) != 0;
            if (header.Flags != (byte)(pending.Flags & HandshakeFlags.NetworkKey))
            {
                return HandshakeResult.Rejected(HandshakeError.Unexpected);
            }

            var state = pending.State;
            state.MixCleartext(frame[..FrameLayout.HeaderSize]);
            var staticError = state.ReadStatic(frame[FrameLayout.HeaderSize..]);
            if (staticError != HandshakeError.None)
            {
                return HandshakeResult.Rejected(staticError);
            }

            if (!state.MixSe())
            {
                return HandshakeResult.Rejected(HandshakeError.BadKey);
            }

            if (!state.ReadPayload(frame[(FrameLayout.HeaderSize + HandshakeLayout.SealedKeySize)..], Span<byte>.Empty))
            {
                return HandshakeResult.Rejected(HandshakeError.AuthenticationFailed);
            }

            var admission = Admit(state.RemoteIdentity, offersKey, pending.Payload.Timestamp);
            if (admission != HandshakeError.None)
            {
                return HandshakeResult.Rejected(admission);
            }

            var session = SessionFactory.Create(
                state, isInitiator: false, header.ReceiverIndex, pending.RemoteIndex, _settings.OfferedCapabilities, pending.Payload.Capabilities, nowMs);
            return HandshakeResult.Established(session, 0);
        }
    }

    private HandshakeError Admit(PublicIdentity peer, bool provedNetworkKey, ulong timestamp)
    {
        if (!_settings.Admission.Admits(peer, provedNetworkKey))
        {
            return HandshakeError.NotAdmitted;
        }

        if (_lastTimestamps.TryGet(peer, out var last) && timestamp <= last)
        {
            return HandshakeError.Replayed;
        }

        _lastTimestamps.Set(peer, timestamp);
        return HandshakeError.None;
    }

    /// <summary>
    /// IK: &lt;- e, ee, se. XX: &lt;- e, ee, s, es. Both end with the sealed capabilities.
    /// Returns the reply length, or 0 when the peer's keys yield no shared secret (low-order points).
    /// </summary>
    private int WriteResponse(HandshakeState state, HandshakeFlags flags, uint remoteIndex, uint localIndex, Span<byte> reply)
    {
        var pinned = (flags & HandshakeFlags.Pinned) != 0;
        var frame = reply[..HandshakeLayout.SizeOf(FrameType.HandshakeResponse, flags)];
        new FrameHeader(FrameType.HandshakeResponse, (byte)flags, remoteIndex, 0).Write(frame);
        BinaryPrimitives.WriteUInt32BigEndian(frame[FrameLayout.HeaderSize..], localIndex);
        var offset = FrameLayout.HeaderSize + HandshakeLayout.IndexSize;
        state.MixCleartext(frame[..offset]);
        state.WriteEphemeral(_settings.EphemeralSource, frame[offset..]);
        offset += HandshakeLayout.KeySize;
        var agreed = state.MixEe();
        if (pinned)
        {
            agreed &= state.MixSe();
        }
        else
        {
            state.WriteStatic(frame[offset..]);
            offset += HandshakeLayout.SealedKeySize;
            agreed &= state.MixEs();
        }

        if (!agreed)
        {
            return 0;
        }

        Span<byte> payload = stackalloc byte[HandshakeLayout.ResponsePayloadSize];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)_settings.OfferedCapabilities);
        state.WritePayload(payload, frame[offset..]);
        return frame.Length;
    }

    private sealed record PendingHandshake(HandshakeState State, uint RemoteIndex, HandshakeFlags Flags, InitPayload Payload) : IDisposable
    {
        public void Dispose() => State.Dispose();
    }
}
