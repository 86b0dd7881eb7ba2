using MeshActors.Messaging.Persistence;

namespace MeshActors.Node.State;

/// <summary>The node's durable state, one file each in the data folder.</summary>
public static class StateSections
{
    /// <summary>Unfinished outbound bus messages, the inbox, delivered ids.</summary>
    public static readonly SnapshotSection<BusState> Bus = new("bus.snapshot", 1);

    /// <summary>Peer endpoints learned at run time (today: added through the API or <c>peers add</c>).</summary>
    public static readonly SnapshotSection<LearnedPeers> Peers = new("peers.snapshot", 1);

    /// <summary>The sequence number this node last advertised for its own prefixes.</summary>
    public static readonly SnapshotSection<OwnRouteSeqno> RouteSeqno = new("route-seqno.snapshot", 1);
}

/// <summary>Peer URIs (as <c>[PUBKEY@]tcp://HOST:PORT</c>) learned at run time, re-dialled after a restart.</summary>
public sealed record LearnedPeers(string[] Endpoints);

/// <summary>The sequence number of this node's own route announcements.</summary>
public sealed record OwnRouteSeqno(ushort Seqno);
