using System.Buffers.Binary;
using MeshActors.Crypto.Session;
using MeshActors.Protocol.Frames;

namespace MeshActors.Crypto.Handshake;

/// <summary>
/// The initiating side of one handshake: IK when the responder's identity is pinned, XX otherwise (PROTOCOL.md).
/// Bytes in, bytes out: <see cref="WriteInitiation"/> once, then <see cref="Receive"/> for the response. Any refused
/// response ends the handshake (the caller starts a new one). Single owner; dispose when done.
/// </summary>
public sealed class HandshakeInitiator : IDisposable
{
    private readonly HandshakeSettings _settings;
    private readonly HandshakeState _state;
    private readonly HandshakeFlags _flags;
    private readonly uint _localIndex;
    private Stage _stage = Stage.New;

    /// <param name="pinnedResponder">The responder's identity when known (pattern IK), else null (pattern XX).</param>
    /// <param name="localIndex">Our session index for this handshake, unique among this node's live sessions.</param>
    public HandshakeInitiator(HandshakeSettings settings, PublicIdentity? pinnedResponder, uint localIndex)
    {
        _settings = settings;
        _localIndex = localIndex;
        _flags = (pinnedResponder is null ? HandshakeFlags.None : HandshakeFlags.Pinned)
            | (settings.Admission.HasNetworkKey ? HandshakeFlags.NetworkKey : HandshakeFlags.None);
        _state = new HandshakeState(initiator: true, settings.Identity, pinnedResponder, HandshakePsk.For(settings.Admission, _flags));
    }

    private enum Stage : byte
    {
        New,
        AwaitingResponse,
        Done,
    }

    private bool Pinned => (_flags & HandshakeFlags.Pinned) != 0;

    /// <summary>The initiation frame's size: <see cref="HandshakeLayout.IkInitSize"/> or <see cref="HandshakeLayout.XxInitSize"/>.</summary>
    public int InitiationSize => HandshakeLayout.SizeOf(FrameType.HandshakeInit, _flags);

    /// <summary>Writes the initiation frame; <paramref name="timestamp"/> is the wall clock in Unix milliseconds.</summary>
    /// <returns>The frame length.</returns>
    public int WriteInitiation(ulong timestamp, Span<byte> destination)
    {
        if (_stage != Stage.New)
        {
            throw new InvalidOperationException("the initiation is written once per handshake");
        }

        var frame = destination[..InitiationSize];
        new FrameHeader(FrameType.HandshakeInit, (byte)_flags, 0, 0).Write(frame);
        BinaryPrimitives.WriteUInt32BigEndian(frame[FrameLayout.HeaderSize..], _localIndex);
        var offset = FrameLayout.HeaderSize + HandshakeLayout.IndexSize;
        _state.MixCleartext(frame[..offset]);
        _state.WriteEphemeral(_settings.EphemeralSource, frame[offset..]);
        offset += HandshakeLayout.KeySize;
        if (Pinned)
        {
            // IK: -> e, es, s, ss. A responder key of low order cannot be pinned (PublicIdentity validated it).
            Require(_state.MixEs());
            _state.WriteStatic(frame[offset..]);
            offset += HandshakeLayout.SealedKeySize;
            Require(_state.MixSs());
        }

        Span<byte> payload = stackalloc byte[InitPayload.Size];
        new InitPayload(timestamp, _settings.OfferedCapabilities).Write(payload);
        _state.WritePayload(payload, frame[offset..]);
        _stage = Stage.AwaitingResponse;
        return frame.Length;
    }

    /// <summary>
    /// Handles the response. IK: establishes the session. XX: establishes it and writes the finish message into
    /// <paramref name="reply"/> (at least <see cref="HandshakeLayout.XxFinishSize"/> bytes).
    /// </summary>
    public HandshakeResult Receive(ReadOnlySpan<byte> frame, long nowMs, Span<byte> reply)
    {
        if (FrameCodec.TryParse(frame, out var parsed) != FrameParseError.None)
        {
            return HandshakeResult.Rejected(HandshakeError.Malformed);
        }

        if (_stage != Stage.AwaitingResponse
            || parsed.Header.Type != FrameType.HandshakeResponse
            || parsed.Header.ReceiverIndex != _localIndex
            || parsed.Header.Flags != (byte)_flags)
        {
            return HandshakeResult.Rejected(HandshakeError.Unexpected);
        }

        if (!Pinned && reply.Length < HandshakeLayout.XxFinishSize)
        {
            return HandshakeResult.Rejected(HandshakeError.ReplyBufferTooSmall);
        }

        _stage = Stage.Done;
        var remoteIndex = BinaryPrimitives.ReadUInt32BigEndian(frame[FrameLayout.HeaderSize..]);
        var error = Pinned ? ReadIkResponse(frame) : ReadXxResponse(frame);
        if (error != HandshakeError.None)
        {
            return HandshakeResult.Rejected(error);
        }

        Span<byte> payload = stackalloc byte[HandshakeLayout.ResponsePayloadSize];
        var payloadOffset = frame.Length - HandshakeLayout.ResponsePayloadSize - HandshakeLayout.TagSize;
        if (!_state.ReadPayload(frame[payloadOffset..], payload))
        {
            return HandshakeResult.Rejected(HandshakeError.AuthenticationFailed);
        }

        var remoteCapabilities = (LinkCapabilities)BinaryPrimitives.ReadUInt32BigEndian(payload);
        if (!Pinned && !_settings.Admission.Admits(_state.RemoteIdentity, (_flags & HandshakeFlags.NetworkKey) != 0))
        {
            return HandshakeResult.Rejected(HandshakeError.NotAdmitted);
        }

        var replyLength = Pinned ? 0 : WriteFinish(reply, remoteIndex);
        var session = SessionFactory.Create(
            _state, isInitiator: true, _localIndex, remoteIndex, _settings.OfferedCapabilities, remoteCapabilities, nowMs);
        return HandshakeResult.Established(session, replyLength);
    }

    public void Dispose() => _state.Dispose();

    /// <summary>IK: &lt;- e, ee, se.</summary>
    private HandshakeError ReadIkResponse(ReadOnlySpan<byte> frame)
    {
        var offset = FrameLayout.HeaderSize + HandshakeLayout.IndexSize;
        _state.MixCleartext(frame[..offset]);
        if (!_state.ReadEphemeral(frame[offset..]) || !_state.MixEe() || !_state.MixSe())
        {
            return HandshakeError.BadKey;
        }

        return HandshakeError.None;
    }

    /// <summary>XX: &lt;- e, ee, s, es.</summary>
    private HandshakeError ReadXxResponse(ReadOnlySpan<byte> frame)
    {
        var offset = FrameLayout.HeaderSize + HandshakeLayout.IndexSize;
        _state.MixCleartext(frame[..offset]);
        if (!_state.ReadEphemeral(frame[offset..]) || !_state.MixEe())
        {
            return HandshakeError.BadKey;
        }

        offset += HandshakeLayout.KeySize;
        var error = _state.ReadStatic(frame[offset..]);
        if (error != HandshakeError.None)
        {
            return error;
        }

        return _state.MixEs() ? HandshakeError.None : HandshakeError.BadKey;
    }

    /// <summary>XX: -&gt; s, se, then an empty sealed payload that confirms the final key.</summary>
    private int WriteFinish(Span<byte> reply, uint remoteIndex)
    {
        var frame = reply[..HandshakeLayout.XxFinishSize];
        new FrameHeader(FrameType.HandshakeFinish, (byte)(_flags & HandshakeFlags.NetworkKey), remoteIndex, 0).Write(frame);
        _state.MixCleartext(frame[..FrameLayout.HeaderSize]);
        _state.WriteStatic(frame[FrameLayout.HeaderSize..]);
        Require(_state.MixSe());
        _state.WritePayload(ReadOnlySpan<byte>.Empty, frame[(FrameLayout.HeaderSize + HandshakeLayout.SealedKeySize)..]);
        return frame.Length;
    }

    private static void Require(bool agreed)
    {
        if (!agreed)
        {
            throw new InvalidOperationException("key agreement with a validated key failed");
        }
    }
}
