using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// Runs the handshake over a freshly connected or accepted TCP connection, asynchronously (a few messages per
/// connection, never per packet). The caller bounds it with a cancellation token carrying the handshake timeout.
/// On failure every session index taken is released and a <see cref="LinkHandshakeException"/> says why.
/// </summary>
internal static class StreamHandshake
{
    /// <summary>Scratch size: the largest handshake message (the 128-byte IK initiation) plus the TCP prefix in front of it.</summary>
    private const int ScratchSize = BufferLayout.FrameOffset + HandshakeLayout.IkInitSize;

    public static async Task<LinkSession> InitiateAsync(
        LinkEnvironment env, TcpTransport transport, TcpFrameReader reader, PublicIdentity? pinned, CancellationToken ct)
    {
        var index = env.Indexes.Allocate();
        using var initiator = new HandshakeInitiator(env.Handshake, pinned, index);
        try
        {
            var scratch = new byte[ScratchSize];
            var length = initiator.WriteInitiation((ulong)env.Clock.UnixMs, scratch.AsSpan(BufferLayout.FrameOffset));
            transport.SendHandshake(scratch, length);
            var response = await reader.ReadFrameAsync(ct).ConfigureAwait(false);
            var result = initiator.Receive(response, env.Clock.MonotonicMs, scratch.AsSpan(BufferLayout.FrameOffset));
            if (result.Session is not { } session)
            {
                throw new LinkHandshakeException(result.Error, $"handshake refused: {result.Error}");
            }

            if (result.ReplyLength > 0)
            {
                transport.SendHandshake(scratch, result.ReplyLength);
            }

            return session;
        }
        catch
        {
            env.Indexes.Release(index);
            throw;
        }
    }

    /// <summary>
    /// Answers the initiation on an accepted connection. Anything but a well-formed initiation as the first frame is
    /// garbage (<see cref="HandshakeError.Malformed"/>): the caller closes the connection.
    /// </summary>
    public static async Task<LinkSession> RespondAsync(LinkEnvironment env, TcpTransport transport, TcpFrameReader reader, CancellationToken ct)
    {
        var first = await ReadHandshakeFrameAsync(reader, ct).ConfigureAwait(false);
        if (FrameCodec.TryParse(first, out var parsed) != FrameParseError.None || parsed.Header.Type != FrameType.HandshakeInit)
        {
            throw new LinkHandshakeException(HandshakeError.Malformed, "first frame is not a handshake initiation");
        }

        var index = env.Indexes.Allocate();
        var scratch = new byte[ScratchSize];
        var keepIndex = false;
        try
        {
            var result = env.Responder.Receive(first, index, env.Clock.MonotonicMs, scratch.AsSpan(BufferLayout.FrameOffset));
            if (result.Status == HandshakeStatus.Rejected)
            {
                throw new LinkHandshakeException(result.Error, $"initiation refused: {result.Error}");
            }

            transport.SendHandshake(scratch, result.ReplyLength);
            if (result.Session is { } established)
            {
                keepIndex = true;
                return established;
            }

            // XX: the finish carries the initiator's identity.
            try
            {
                var finish = await ReadHandshakeFrameAsync(reader, ct).ConfigureAwait(false);
                var final = env.Responder.Receive(finish, index, env.Clock.MonotonicMs, scratch.AsSpan(BufferLayout.FrameOffset));
                if (final.Session is not { } session)
                {
                    throw new LinkHandshakeException(final.Error, $"handshake finish refused: {final.Error}");
                }

                keepIndex = true;
                return session;
            }
            finally
            {
                if (!keepIndex)
                {
                    env.Responder.Forget(index);
                }
            }
        }
        finally
        {
            if (!keepIndex)
            {
                env.Indexes.Release(index);
            }
        }
    }

    private static async Task<byte[]> ReadHandshakeFrameAsync(TcpFrameReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.ReadFrameAsync(ct).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new LinkHandshakeException(HandshakeError.Malformed, e.Message, e);
        }
    }
}
