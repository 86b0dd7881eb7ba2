using System.Net;

namespace MeshActors.Node.Settings;

/// <summary>The SOCKS5 gateway (config section <c>meshactors.socks</c>, flag <c>--socks</c>; defaults and reasons in reference.conf).</summary>
/// <param name="Listen">Loopback endpoint to serve on; null = no gateway (the default).</param>
/// <param name="MaxSessions">Most connections served at once, handshakes included.</param>
/// <param name="HandshakeTimeout">Longest a client may take to send its greeting and request.</param>
/// <param name="ConnectTimeout">Longest the gateway spends resolving and connecting to a target.</param>
/// <param name="BufferSize">Relay buffer per direction of one session, bytes.</param>
public sealed record SocksSettings(IPEndPoint? Listen, int MaxSessions, TimeSpan HandshakeTimeout, TimeSpan ConnectTimeout, int BufferSize)
{
    public static readonly SocksSettings Off = new(null, 256, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), 16384);

    /// <summary>True for an address only this host can reach: the gateway asks for no authentication.</summary>
    public static bool IsLoopback(IPEndPoint endPoint) =>
        IPAddress.IsLoopback(endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address);

    public const string LoopbackOnly =
        "must be a loopback address (127.0.0.0/8 or [::1]): the gateway asks for no authentication, so anyone who reached it would use the mesh as this node";
}
