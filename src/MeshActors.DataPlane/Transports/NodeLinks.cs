using MeshActors.DataPlane.Transports;
using System.Net;
using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Addressing;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// The node's link machinery below the actors: the shared handshake responder and buffer pool, one TCP listener or
/// UDP endpoint per <c>listen</c> URI, and the factory that dials peers. Built before the actor system starts and
/// disposed after it stops; actors only subscribe to <see cref="InboundLink"/> and call <see cref="Factory"/>.
/// </summary>
public sealed class NodeLinks : IAsyncDisposable
{
    private readonly List<TcpLinkListener> _tcp = [];
    private readonly List<UdpLinkEndpoint> _udp = [];

    private NodeLinks(LinkEnvironment environment)
    {
        Environment = environment;
        Factory = new LinkFactory(environment);
    }

    /// <summary>
    /// Raised for every link a listener accepted. The listeners open before the actor system starts, so a peer that
    /// redials a restarting node can finish its handshake before anyone subscribes; such a link is closed at once
    /// (see <see cref="RaiseInbound"/>).
    /// </summary>
    public event Action<Link>? InboundLink;

    public LinkEnvironment Environment { get; }

    public LinkFactory Factory { get; private set; }

    public PublicIdentity Identity => Environment.Identity.Public;

    public IReadOnlyList<IPEndPoint> TcpEndPoints => [.. _tcp.Select(l => l.LocalEndPoint)];

    public IReadOnlyList<IPEndPoint> UdpEndPoints => [.. _udp.Select(u => u.LocalEndPoint)];

    /// <summary>Hole-punching probes on the UDP socket that dials (the first one): punched links run on it.</summary>
    public UdpProbes Probes => _udp[0].Probes;

    public long RefusedHandshakes => AllStats().Sum(s => s.Stats.Refused.Total);

    /// <summary>Opens every listen endpoint; a UDP socket on an ephemeral port is opened when none is configured,
    /// so udp:// peers can still be dialled.</summary>
    public static NodeLinks Open(NodeIdentity identity, AdmissionPolicy admission, BufferPool pool, IReadOnlyList<PeerUri> listen, LinkOptions options)
    {
        var links = new NodeLinks(new LinkEnvironment(new HandshakeSettings(identity, admission), pool, options));
        try
        {
            foreach (var uri in listen)
            {
                var endPoint = new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
                try
                {
                    switch (uri.Scheme)
                    {
                        case TransportKind.Tcp:
                            links._tcp.Add(TcpLinkListener.Start(links.Environment, endPoint, links.RaiseInbound));
                            break;
                        case TransportKind.Udp:
                            links._udp.Add(UdpLinkEndpoint.Bind(links.Environment, endPoint, links.RaiseInbound));
                            break;
                        default:
                            throw new TransportNotSupportedException($"{uri}: QUIC listening is not available on this platform; use tcp:// or udp://");
                    }
                }
                catch (SocketException e)
                {
                    throw new ListenFailedException(uri, e);
                }
            }

            if (links._udp.Count == 0)
            {
                links._udp.Add(UdpLinkEndpoint.Bind(links.Environment, new IPEndPoint(IPAddress.IPv6Any, 0), links.RaiseInbound));
            }

            links.Factory = new LinkFactory(links.Environment, links._udp[0]);
            return links;
        }
        catch
        {
            links.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public string DescribeRefusals() => string.Join(", ", Enum.GetValues<HandshakeError>()
        .Select(error => (error, count: AllStats().Sum(s => s.Stats.Refused[error])))
        .Where(pair => pair.count > 0)
        .Select(pair => $"{pair.error}={pair.count}"));

    public IEnumerable<(string Endpoint, ListenerStats Stats)> AllStats() =>
        _tcp.Select(l => ($"tcp://{l.LocalEndPoint}", l.Stats)).Concat(_udp.Select(u => ($"udp://{u.LocalEndPoint}", u.Stats)));

    /// <summary>Each UDP socket's offloads in use (probed at start; segmentation may have been turned off since).</summary>
    public IEnumerable<UdpOffloadState> UdpOffloads() => _udp.Select(u =>
        new UdpOffloadState($"udp://{u.LocalEndPoint}", u.MaxFrameSize, u.SegmentationOffload, u.ReceiveCoalescing, u.SegmentationFallbacks, u.SegmentedSends));

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _tcp)
        {
            await listener.DisposeAsync();
        }

        foreach (var endpoint in _udp)
        {
            endpoint.Dispose();
        }

        Environment.Dispose();
    }

    /// <summary>
    /// Hands an accepted link to the subscriber, or closes it when there is none yet. Nobody owns such a link and its
    /// first frames (the dialler's hello and route dump) have nowhere to go; left open, the dialler would keep a link
    /// it believes is up, wait out dead-after for hellos that never come, and the route dump would only be repeated
    /// with the next periodic update. Closed, the dialler redials within reconnect-min and gets a link that is owned.
    /// </summary>
    private void RaiseInbound(Link link)
    {
        var subscribers = InboundLink;
        if (subscribers is null)
        {
            link.Close();
            return;
        }

        subscribers(link);
    }
}
