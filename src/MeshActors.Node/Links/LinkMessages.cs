using MeshActors.Crypto;
using MeshActors.DataPlane.Links;

namespace MeshActors.Node.Links;

// Published on the actor system's event stream by PeerLink actors; the route table (and anyone else) subscribes.

/// <summary>An authenticated link to <paramref name="Peer"/> is up and is the one link kept for that peer.</summary>
public sealed record LinkUp(PublicIdentity Peer, Link Link, TimeSpan SmoothedRtt);

/// <summary>The link is gone (closed, dead, replaced); routes through it must go.</summary>
public sealed record LinkDown(PublicIdentity Peer, Link Link, string Reason);

/// <summary>New measurements of a link that is up.</summary>
public sealed record LinkQualityChanged(PublicIdentity Peer, Link Link, TimeSpan SmoothedRtt, double Loss);

/// <summary>A Control frame from a neighbour (routing updates, gossip …): the payload copied out of the link buffer.</summary>
public sealed record ControlReceived(PublicIdentity Peer, Link Link, byte[] Payload);

/// <summary>The route table (re)started with no neighbours: every link that is up announces itself again.</summary>
public sealed record RouteTableStarted
{
    public static readonly RouteTableStarted Instance = new();
}
