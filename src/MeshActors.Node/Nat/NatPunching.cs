using MeshActors.Crypto;
using MeshActors.DataPlane.Transports;
using MeshActors.Routing.Nat;

namespace MeshActors.Node.Nat;

/// <summary>What the NAT traversal actor needs to punch: the node's key, the shared UDP socket's probes and port, the
/// link factory that dials on that socket, the attempt timing, the retry backoff and the dial timeout.</summary>
public sealed record NatPunching(
    PublicIdentity Self,
    UdpProbes Probes,
    int UdpPort,
    LinkFactory Factory,
    PunchSettings Settings,
    TimeSpan RetryMin,
    TimeSpan RetryMax,
    TimeSpan DialTimeout)
{
    /// <summary>How long an offer waits for its answer before the attempt counts as failed: the bus retransmits within
    /// it, and a peer that cannot answer in 10 s is not reachable enough to punch towards.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);
}
