using System.Net;
using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.IO;
using MeshActors.DataPlane.Links;

namespace MeshActors.DataPlane.Transports;

/// <summary>Dials a TCP peer and runs the handshake; on success the link is started and returned.</summary>
internal static class TcpConnector
{
    public static async Task<Link> ConnectAsync(LinkEnvironment env, IPEndPoint endPoint, PublicIdentity? pinned, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(env.Options.HandshakeTimeoutMs);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        TcpTransport? transport = null;
        try
        {
            TcpTransport.Configure(socket);
            // Connected and read by hand, waiting on an event loop: the runtime's socket engine never sees the
            // socket (IO.ReadinessWait says why).
            var waits = env.Loops.ForWaits();
            var fd = (int)socket.SafeHandle.DangerousGetHandle();
            if (!SocketNative.StartConnect(fd, endPoint.Serialize()))
            {
                await ReadinessWait.WhenReady(waits, fd, writable: true, timeout.Token).ConfigureAwait(false);
                SocketNative.ThrowIfConnectFailed(fd);
            }

            var reader = new TcpFrameReader(socket, waits);
            transport = new TcpTransport(socket, reader, endPoint);
            var session = await StreamHandshake.InitiateAsync(env, transport, reader, pinned, timeout.Token).ConfigureAwait(false);
            var link = new Link(env, transport, session, isOutbound: true);
            link.Start();
            return link;
        }
        catch (Exception e)
        {
            if (transport is null)
            {
                socket.Dispose();
            }
            else
            {
                transport.Abandon();
            }

            throw e switch
            {
                LinkHandshakeException => e,
                OperationCanceledException when !ct.IsCancellationRequested =>
                    new LinkHandshakeException(HandshakeError.None, $"tcp://{endPoint}: no handshake within {env.Options.HandshakeTimeoutMs} ms", e),
                SocketException or IOException or InvalidDataException =>
                    new LinkHandshakeException(HandshakeError.None, $"tcp://{endPoint}: {e.Message}", e),
                _ => e,
            };
        }
    }
}
