using MeshActors.Node.Tunnels;
using MeshActors.Protocol.Tunnels;

namespace MeshActors.Node.Settings;

/// <summary>Port tunnels (config section <c>meshactors.tunnels</c>).</summary>
/// <param name="Expose">What tunnels from other nodes may reach on this node's loopback: protocol and port. Empty:
/// nothing (deny by default).</param>
/// <param name="Forward">Tunnels this node opens at start.</param>
/// <param name="MaxStreams">Most streams at once, both ends together; further ones are refused.</param>
/// <param name="IdleTimeout">A UDP stream with no datagram either way for this long is closed.</param>
public sealed record TunnelSettings(
    IReadOnlyList<(TunnelProtocol Protocol, int Port)> Expose, IReadOnlyList<TunnelSpec> Forward, int MaxStreams, TimeSpan IdleTimeout)
{
    public static readonly TunnelSettings Default = new([], [], 256, TimeSpan.FromSeconds(60));

    /// <summary>Parses <c>tcp/PORT</c> or <c>udp/PORT</c>.</summary>
    public static bool TryParseExposed(string text, out (TunnelProtocol Protocol, int Port) exposed)
    {
        exposed = default;
        var parts = text.Split('/');
        if (parts.Length != 2 || !TunnelSpec.TryParseProtocol(parts[0], out var protocol)
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        exposed = (protocol, port);
        return true;
    }

    public bool Exposes(TunnelProtocol protocol, int port) => Expose.Contains((protocol, port));
}
