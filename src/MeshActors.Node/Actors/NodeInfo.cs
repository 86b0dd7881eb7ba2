namespace MeshActors.Node.Actors;

/// <summary>Ask the guardian for <see cref="NodeInfo"/>.</summary>
public sealed record GetNodeInfo
{
    public static readonly GetNodeInfo Instance = new();
}

/// <summary>What <c>GET /api/v1/admin</c> returns: who this node is and how long it has run.</summary>
public sealed record NodeInfo(
    string NodeName,
    string PublicKey,
    string Address,
    string Subnet,
    double UptimeSeconds,
    string Version);
