using MeshActors.Crypto;
using MeshActors.DataPlane.Links;

namespace MeshActors.Node.Links;

// Told by PeerLink actors to the route table (from the actor registry).

/// <summary>An authenticated link to <paramref name="Peer"/> is up and is the one link kept for that peer.</summary>
public sealed record LinkUp(PublicIdentity Peer, Link Link, TimeSpan SmoothedRtt);

/// <summary>The link is gone (closed, dead, replaced); routes through it must go.</summary>
public sealed record LinkDown(PublicIdentity Peer, Link Link, string Reason);

/// <summary>New measurements of a link that is up.</summary>
public sealed record LinkQualityChanged(PublicIdentity Peer, Link Link, TimeSpan SmoothedRtt, double Loss);

/// <summary>A Control frame from a neighbour, for the actor that handles its kind (<see cref="ControlRoutes"/>). The
/// handler calls <c>Credit.Done()</c> once it has handled it (<see cref="ControlCredit"/>).</summary>
public sealed record ControlReceived(PublicIdentity Peer, Link Link, byte[] Payload, ControlCredit Credit);

/// <summary>Route table → peer manager → every PeerLink that is up: the route table (re)started with no neighbours,
/// announce yourselves again with <see cref="LinkUp"/>.</summary>
public sealed record AnnounceLinks
{
    public static readonly AnnounceLinks Instance = new();
}
