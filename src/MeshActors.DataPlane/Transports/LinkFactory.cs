using MeshActors.Protocol.Addressing;
using System.Net;
using System.Net.Quic;
using System.Net.Sockets;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Links;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// The actor layer's entry point for dialling: resolves the host (names, IPv4, IPv6; TCP tries each address, IPv6
/// first), picks the transport from the scheme, runs the handshake and returns a started <see cref="Link"/>. UDP dials go through the node's shared
/// <see cref="UdpLinkEndpoint"/>. Failures: <see cref="LinkHandshakeException"/> (refused, timed out, transport
/// error — back off and retry), <see cref="TransportNotSupportedException"/> (do not retry).
/// </summary>
public sealed class LinkFactory(LinkEnvironment env, UdpLinkEndpoint? udp = null) : ILinkDialer
{
    public async Task<Link> ConnectAsync(PeerUri uri, CancellationToken ct)
    {
        if (uri.Scheme == TransportKind.Quic)
        {
            throw new TransportNotSupportedException(QuicConnection.IsSupported
                ? $"{uri}: QUIC links are not implemented; use tcp:// or udp://"
                : $"{uri}: QUIC is not supported on this platform (System.Net.Quic needs libmsquic); use tcp:// or udp://");
        }

        var endPoints = await ResolveAsync(uri, ct).ConfigureAwait(false);
        if (uri.Scheme == TransportKind.Udp)
        {
            var endpoint = udp ?? throw new TransportNotSupportedException($"{uri}: this node has no UDP endpoint bound");
            var reachable = endPoints.FirstOrDefault(endpoint.CanReach)
                ?? throw new LinkHandshakeException(HandshakeError.None, $"{uri}: no address of {uri.Host} fits the UDP socket's family");
            return await endpoint.ConnectAsync(reachable, uri.Pinned, ct).ConfigureAwait(false);
        }

        // TCP: each resolved address in turn (IPv6 first) until one answers; the last failure is reported.
        LinkHandshakeException? failure = null;
        foreach (var endPoint in endPoints)
        {
            try
            {
                return await TcpConnector.ConnectAsync(env, endPoint, uri.Pinned, ct).ConfigureAwait(false);
            }
            catch (LinkHandshakeException e) when (e.Error == HandshakeError.None)
            {
                failure = e;
            }
        }

        throw failure!;
    }

    /// <summary>Every address of the host, IPv6 before IPv4; a literal address is its own only answer.</summary>
    private static async Task<IPEndPoint[]> ResolveAsync(PeerUri uri, CancellationToken ct)
    {
        if (IPAddress.TryParse(uri.Host, out var literal))
        {
            return [new IPEndPoint(literal, uri.Port)];
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(uri.Host, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new LinkHandshakeException(HandshakeError.None, $"{uri}: cannot resolve {uri.Host}: {e.Message}", e);
        }

        var usable = addresses
            .Where(address => address.AddressFamily is AddressFamily.InterNetworkV6 or AddressFamily.InterNetwork)
            .OrderBy(address => address.AddressFamily == AddressFamily.InterNetworkV6 ? 0 : 1)
            .Select(address => new IPEndPoint(address, uri.Port))
            .ToArray();
        return usable.Length > 0
            ? usable
            : throw new LinkHandshakeException(HandshakeError.None, $"{uri}: {uri.Host} has no IP address");
    }
}
