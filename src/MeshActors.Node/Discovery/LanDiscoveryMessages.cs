using MeshActors.Protocol.Counting;

namespace MeshActors.Node.Discovery;

/// <summary>Asks the LAN discovery actor for <see cref="LanDiscoveryStatus"/>.</summary>
public sealed class GetLanDiscovery
{
    public static readonly GetLanDiscovery Instance = new();

    private GetLanDiscovery()
    {
    }
}

/// <summary>The interfaces beacons go out of, the nodes heard (key, where, seconds since), and the counters.</summary>
public sealed record LanDiscoveryStatus(IReadOnlyList<string> Interfaces, IReadOnlyList<LanNode> Heard, IReadOnlyDictionary<string, long> Counters);

public sealed record LanNode(string PublicKey, string Endpoint, double SecondsAgo);
