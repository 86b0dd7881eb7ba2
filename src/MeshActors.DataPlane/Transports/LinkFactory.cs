using System.Net;
using System.Net.Quic;
using System.Net.Sockets;
using MeshActors.DataPlane.Links;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// The actor layer's entry point for dialling: resolves the host (names, IPv4, IPv6), picks the transport from the
/// scheme, runs the handshake and returns a started <see cref="Link"/>. UDP dials go through the node's shared
/// <see cref="UdpLinkEndpoint"/>. Failures: <see cref="LinkHandshakeException"/> (refused, timed out, transport
/// error — back off and retry), <see cref="TransportNotSupportedException"/> (do not retry).
/// </summary>
public sealed class LinkFactory(LinkEnvironment env, UdpLinkEndpoint? udp = null)
{
    public async Task<Link> ConnectAsync(PeerUri uri, CancellationToken ct)
    {
        if (uri.Scheme == TransportScheme.Quic)
        {
            throw new TransportNotSupportedException(QuicConnection.IsSupported
                ? $"{uri}: QUIC links are not implemented; use tcp:// or udp://"
                : $"{uri}: QUIC is not supported on this platform (System.Net.Quic needs libmsquic); use tcp:// or udp://");
        }

        var endPoint = await ResolveAsync(uri, ct).ConfigureAwait(false);
        return uri.Scheme switch
        {
            TransportScheme.Tcp => await TcpConnector.ConnectAsync(env, endPoint, uri.Pinned, ct).ConfigureAwait(false),
            _ => await (udp ?? throw new TransportNotSupportedException($"{uri}: this node has no UDP endpoint bound"))
                .ConnectAsync(endPoint, uri.Pinned, ct).ConfigureAwait(false),
        };
    }

    /// <summary>First address of the host; an IPv6 address is preferred when the resolver returns both.</summary>
    private static async Task<IPEndPoint> ResolveAsync(PeerUri uri, CancellationToken ct)
    {
        if (IPAddress.TryParse(uri.Host, out var literal))
        {
            return new IPEndPoint(literal, uri.Port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(uri.Host, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new LinkHandshakeException(Crypto.Handshake.HandshakeError.None, $"{uri}: cannot resolve {uri.Host}: {e.Message}", e);
        }

        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6)
            ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new LinkHandshakeException(Crypto.Handshake.HandshakeError.None, $"{uri}: {uri.Host} has no IP address");
        return new IPEndPoint(chosen, uri.Port);
    }
}
