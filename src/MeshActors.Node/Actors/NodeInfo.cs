namespace MeshActors.Node.Actors;

/// <summary>Ask the guardian for <see cref="NodeInfo"/>.</summary>
public sealed record GetNodeInfo
{
    public static readonly GetNodeInfo Instance = new();
}

/// <summary>What <c>GET /api/v1/admin</c> returns: who this node is, how long it has run, and what it knows of the NAT in
/// front of it (<see cref="Nat"/>: filled in by the API from the NAT traversal actor; null when it did not answer).</summary>
public sealed record NodeInfo(
    string NodeName,
    string PublicKey,
    string Address,
    string Subnet,
    double UptimeSeconds,
    string Version,
    Nat.NatStatus? Nat = null);
