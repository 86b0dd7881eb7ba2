using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MeshActors.Node.Settings;
using MeshActors.Protocol.Socks;
using Microsoft.Extensions.Logging;

namespace MeshActors.Node.Socks;

/// <summary>
/// One client connection from accept to close: greeting, request, resolve and connect within their timeouts, the
/// reply, then <see cref="SocksRelay"/>. Every refusal is answered with its reply code where the client can read one,
/// counted in <see cref="SocksStats.Refusals"/> and logged at debug level. The session owns one pooled buffer (the
/// handshake's bytes, then both relay directions) and returns it cleared when it ends, so no relayed bytes linger in the pool.
/// </summary>
internal sealed class SocksSession(Socket client, SocksSettings settings, SocksTargets targets, SocksStats stats, ILogger logger)
{
    /// <summary>Handshake part of the buffer: a whole greeting and a whole request fit, even sent in one write.</summary>
    private const int HandshakeBytes = Socks5.MaxGreetingLength + Socks5.MaxRequestLength;

    /// <summary>Where answers are written during the handshake: behind the bytes being read. The smallest relay buffer
    /// (2 x 1 KiB, socks.buffer-size) holds both parts.</summary>
    private const int AnswerAt = HandshakeBytes;

    /// <summary>Runs the session; <paramref name="overLimit"/>: read the request only to answer it "general failure".</summary>
    public async Task RunAsync(bool overLimit, CancellationToken stopping)
    {
        var relayBytes = 2 * settings.BufferSize;
        var buffer = ArrayPool<byte>.Shared.Rent(overLimit ? AnswerAt + Socks5.MaxReplyLength : Math.Max(relayBytes, AnswerAt + Socks5.MaxReplyLength));
        Socket? target = null;
        try
        {
            var handshake = await HandshakeAsync(buffer, stopping);
            var refusal = handshake.Refusal;
            if (refusal is null && overLimit)
            {
                refusal = SocksRefusal.SessionLimit;
            }

            if (refusal is null)
            {
                (target, refusal) = await ConnectAsync(handshake.Request!, stopping);
            }

            if (refusal is { } refused)
            {
                await RefuseAsync(buffer, refused, handshake, stopping);
                return;
            }

            var length = Socks5Reply.Write(buffer.AsSpan(AnswerAt), SocksReply.Succeeded, (IPEndPoint?)target!.LocalEndPoint);
            await SendAllAsync(client, buffer.AsMemory(AnswerAt, length), stopping);
            stats.Events.Increment(SocksEvent.Connected);

            // Bytes a client sent right behind its request (before our reply) belong to the target; they are sent
            // before the relay reuses the buffer.
            await SendAllAsync(target, handshake.Rest, stopping);
            stats.Events.Add(SocksEvent.BytesToTarget, handshake.Rest.Length);
            await SocksRelay.RunAsync(client, target, buffer.AsMemory(0, relayBytes), stats.Events, stopping);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the node stops: nothing to answer.
        }
        finally
        {
            target?.Dispose();
            client.Dispose();
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>The handshake's outcome: a refusal (<c>Answered</c> when the greeting's answer already refused), or
    /// the request and the bytes the client sent behind it.</summary>
    private readonly record struct Handshake(SocksRefusal? Refusal, bool Answered, Socks5Request? Request, Memory<byte> Rest);

    /// <summary>Reads the greeting (answering it) and the request; bytes after the request are returned as <c>rest</c>.</summary>
    private async Task<Handshake> HandshakeAsync(byte[] buffer, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(settings.HandshakeTimeout);
        var filled = 0;
        try
        {
            SocksParse greeting;
            int length;
            while ((greeting = Socks5Greeting.TryRead(buffer.AsSpan(0, filled), out length)) == SocksParse.NeedMore)
            {
                filled = await ReadMoreAsync(buffer, filled, timeout.Token);
                if (filled < 0)
                {
                    return new Handshake(SocksRefusal.Abandoned, true, null, default);
                }
            }

            var choice = Socks5Greeting.WriteChoice(buffer.AsSpan(AnswerAt), greeting == SocksParse.Complete);
            await SendAllAsync(client, buffer.AsMemory(AnswerAt, choice), timeout.Token);
            if (greeting != SocksParse.Complete)
            {
                var refusal = greeting switch
                {
                    SocksParse.BadVersion => SocksRefusal.BadVersion,
                    SocksParse.NoAcceptableMethod => SocksRefusal.NoAcceptableMethod,
                    _ => SocksRefusal.Malformed,
                };
                return new Handshake(refusal, true, null, default);
            }

            var start = length;
            SocksParse parse;
            Socks5Request? request;
            while ((parse = Socks5Request.TryRead(buffer.AsSpan(start, filled - start), out request, out length)) == SocksParse.NeedMore)
            {
                filled = await ReadMoreAsync(buffer, filled, timeout.Token);
                if (filled < 0)
                {
                    return new Handshake(SocksRefusal.Abandoned, true, null, default);
                }
            }

            var refused = parse switch
            {
                SocksParse.Complete when request!.Command != SocksCommand.Connect => SocksRefusal.UnsupportedCommand,
                SocksParse.Complete => (SocksRefusal?)null,
                SocksParse.UnsupportedAddressType => SocksRefusal.UnsupportedAddressType,
                SocksParse.BadVersion => SocksRefusal.BadVersion,
                _ => SocksRefusal.Malformed,
            };
            return new Handshake(refused, false, request, buffer.AsMemory(start + length, filled - start - length));
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return new Handshake(SocksRefusal.HandshakeTimeout, true, null, default);
        }
    }

    /// <summary>Receives into the handshake part after <paramref name="filled"/> bytes; the new fill, or -1 at the end of the stream.</summary>
    private async Task<int> ReadMoreAsync(byte[] buffer, int filled, CancellationToken cancellationToken)
    {
        var read = await client.ReceiveAsync(buffer.AsMemory(filled, HandshakeBytes - filled), SocketFlags.None, cancellationToken);
        return read == 0 ? -1 : filled + read;
    }

    /// <summary>Resolves the target and connects to its addresses in order, within socks.connect-timeout.</summary>
    private async Task<(Socket? Target, SocksRefusal? Refusal)> ConnectAsync(Socks5Request request, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            var (addresses, refusal) = await targets.ResolveAsync(request, timeout.Token);
            foreach (var address in addresses)
            {
                var target = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await target.ConnectAsync(new IPEndPoint(address, request.Port), timeout.Token);
                    return (target, null);
                }
                catch (SocketException e)
                {
                    target.Dispose();
                    refusal = e.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => SocksRefusal.ConnectionRefused,
                        SocketError.HostUnreachable or SocketError.HostDown => SocksRefusal.HostUnreachable,
                        SocketError.NetworkUnreachable or SocketError.NetworkDown => SocksRefusal.NetworkUnreachable,
                        SocketError.TimedOut => SocksRefusal.ConnectTimeout,
                        _ => SocksRefusal.ConnectFailed,
                    };
                }
                catch
                {
                    target.Dispose();
                    throw;
                }
            }

            return (null, refusal ?? SocksRefusal.ResolveFailed);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return (null, SocksRefusal.ConnectTimeout);
        }
    }

    /// <summary>Counts and logs a refusal and answers it with its reply code when the client is at the request stage.</summary>
    private async Task RefuseAsync(byte[] buffer, SocksRefusal refusal, Handshake handshake, CancellationToken stopping)
    {
        stats.Refusals.Increment(refusal);
        logger.LogDebug("SOCKS {Client}: refused {Request}: {Reason}", client.RemoteEndPoint, handshake.Request?.ToString() ?? "handshake", refusal);
        if (handshake.Answered)
        {
            return;
        }

        var length = Socks5Reply.Write(buffer.AsSpan(AnswerAt), ReplyFor(refusal), null);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(settings.HandshakeTimeout);
        await SendAllAsync(client, buffer.AsMemory(AnswerAt, length), timeout.Token);
    }

    /// <summary>The reply code of a refusal at the request stage (refusals before it are answered by the greeting's
    /// method 0xFF, or not at all when the client left or timed out).</summary>
    internal static SocksReply ReplyFor(SocksRefusal refusal) => refusal switch
    {
        SocksRefusal.UnsupportedCommand => SocksReply.CommandNotSupported,
        SocksRefusal.UnsupportedAddressType => SocksReply.AddressTypeNotSupported,
        SocksRefusal.UnknownName or SocksRefusal.ResolveFailed or SocksRefusal.HostUnreachable or SocksRefusal.ConnectTimeout => SocksReply.HostUnreachable,
        SocksRefusal.ConnectionRefused => SocksReply.ConnectionRefused,
        SocksRefusal.NetworkUnreachable => SocksReply.NetworkUnreachable,
        _ => SocksReply.GeneralFailure,
    };

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        for (var sent = 0; sent < bytes.Length;)
        {
            sent += await socket.SendAsync(bytes[sent..], SocketFlags.None, cancellationToken);
        }
    }
}
