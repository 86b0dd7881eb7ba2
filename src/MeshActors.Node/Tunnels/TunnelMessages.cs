namespace MeshActors.Node.Tunnels;

/// <summary>Open a tunnel at run time; answered with <see cref="TunnelCommandResult"/>.</summary>
public sealed record OpenTunnel(TunnelSpec Spec);

/// <summary>Close tunnel <paramref name="Id"/> and reset its streams; answered with <see cref="TunnelCommandResult"/>.</summary>
public sealed record CloseTunnel(int Id);

/// <summary>Succeeded: <paramref name="Tunnel"/> is the one opened (null for a close); otherwise why not.</summary>
public sealed record TunnelCommandResult(bool Succeeded, string Message, TunnelInfo? Tunnel = null);

public sealed class GetTunnels
{
    public static readonly GetTunnels Instance = new();

    private GetTunnels()
    {
    }
}

/// <summary>One tunnel this node opened: its id, <c>tcp</c> or <c>udp</c>, where it listens, where it leads, and its
/// streams running now.</summary>
public sealed record TunnelInfo(int Id, string Protocol, string Listen, string Target, int Streams);

/// <summary>The tunnels this node opened, what it exposes (<c>tcp/PORT</c>, <c>udp/PORT</c>), streams running at either
/// end, and the counters (<see cref="TunnelEvent"/> in snake case).</summary>
public sealed record TunnelStatus(IReadOnlyList<TunnelInfo> Tunnels, IReadOnlyList<string> Exposed, int Streams, IReadOnlyDictionary<string, long> Counters);
