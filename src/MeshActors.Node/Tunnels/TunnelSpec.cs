using System.Globalization;
using System.Net;
using MeshActors.Protocol.Tunnels;

namespace MeshActors.Node.Tunnels;

/// <summary>
/// One tunnel this node opens: it listens on loopback <see cref="ListenPort"/> and carries each connection (TCP) or
/// each client's datagrams (UDP) to <see cref="Port"/> on <see cref="Node"/>'s loopback, which that node must expose.
/// <see cref="Node"/> is a node name, a 64-hex-character public key or an overlay IPv6 address.
/// </summary>
public sealed record TunnelSpec(TunnelProtocol Protocol, int ListenPort, string Node, int Port)
{
    public string ProtocolName => Protocol == TunnelProtocol.Tcp ? "tcp" : "udp";

    public override string ToString() => $"{ProtocolName} {ListenPort} {Target}";

    /// <summary>NODE:PORT, with an IPv6 address in brackets.</summary>
    public string Target => IPAddress.TryParse(Node, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Node}]:{Port}"
        : $"{Node}:{Port}";

    public static bool TryParseProtocol(string text, out TunnelProtocol protocol)
    {
        protocol = text switch
        {
            "tcp" => TunnelProtocol.Tcp,
            "udp" => TunnelProtocol.Udp,
            _ => 0,
        };
        return protocol != 0;
    }

    /// <summary>From its parts as the CLI and the API take them: <c>tcp|udp</c>, the local port, <c>NODE:PORT</c>.</summary>
    public static bool TryParse(string protocol, int listenPort, string target, out TunnelSpec? spec, out string problem)
    {
        spec = null;
        problem = "";
        if (!TryParseProtocol(protocol, out var parsed))
        {
            problem = $"protocol must be tcp or udp, got '{protocol}'";
            return false;
        }

        if (listenPort is < 1 or > 65535)
        {
            problem = $"local port must be 1..65535, got {listenPort}";
            return false;
        }

        var colon = target.LastIndexOf(':');
        var node = colon > 0 ? target[..colon] : "";
        if (node.StartsWith('[') && node.EndsWith(']'))
        {
            node = node[1..^1];
        }

        if (node.Length == 0 || !int.TryParse(target.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            problem = $"target must be NODE:PORT (a node name, public key or overlay address and a port 1..65535), got '{target}'";
            return false;
        }

        spec = new TunnelSpec(parsed, listenPort, node, port);
        return true;
    }

    /// <summary>The config form: <c>tcp|udp LOCAL_PORT NODE:PORT</c>.</summary>
    public static bool TryParse(string text, out TunnelSpec? spec, out string problem)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var listenPort))
        {
            spec = null;
            problem = $"must be 'tcp|udp LOCAL_PORT NODE:PORT', got '{text}'";
            return false;
        }

        return TryParse(parts[0], listenPort, parts[2], out spec, out problem);
    }
}
