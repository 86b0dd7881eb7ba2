using MeshActors.Crypto;
using MeshActors.DataPlane.Transports;
using MeshActors.Routing.Nat;

namespace MeshActors.Node.Nat;

/// <summary>What the NAT traversal actor needs to punch: the node's key, the shared UDP socket's probes and port, the
/// link factory that dials on that socket, the attempt timing, the retry backoff and the dial timeout; with
/// <paramref name="Sending"/>, each end-to-end session's send position (IP packets and bus messages alike), looked at
/// every <see cref="TrafficCheckInterval"/> so any traffic for a peer without a link can start a punch.</summary>
public sealed record NatPunching(
    PublicIdentity Self,
    UdpProbes Probes,
    int UdpPort,
    LinkFactory Factory,
    PunchSettings Settings,
    TimeSpan RetryMin,
    TimeSpan RetryMax,
    TimeSpan DialTimeout,
    Func<IEnumerable<(PublicIdentity Peer, (ulong Epoch, ulong Sealed) Position)>>? Sending = null)
{
    /// <summary>How often the send positions are compared: a quarter second adds at most that to the time from a first
    /// packet to a punch, and reads each of at most 4,096 sessions four times a second.</summary>
    public static readonly TimeSpan TrafficCheckInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an offer waits for its answer before the attempt counts as failed: the bus retransmits within
    /// it, and a peer that cannot answer in 10 s is not reachable enough to punch towards.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);
}
