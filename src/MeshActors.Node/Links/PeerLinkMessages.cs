using MeshActors.Crypto;
using MeshActors.DataPlane.Links;

namespace MeshActors.Node.Links;

// Messages between PeerManager and its PeerLink children.

/// <summary>Child → manager: a link is authenticated; may it stay? Answered with <see cref="LinkAccepted"/> or <see cref="DropDuplicate"/>.</summary>
internal sealed record LinkEstablished(PublicIdentity Peer, Link Link);

internal sealed record LinkAccepted(Link Link);

/// <summary>Manager → child: another link to the same peer wins; close this one (outbound children wait for that one to fail).</summary>
internal sealed record DropDuplicate(Link Link);

/// <summary>Child → manager: the link this child held is gone.</summary>
internal sealed record LinkEnded(PublicIdentity Peer, Link Link);

/// <summary>Child → manager: fresh status for the peer table.</summary>
internal sealed record PeerStatusReport(PeerStatus Status);

/// <summary>Link → its PeerLink (through <see cref="InboxWaker"/>): the link's control inbox has frames to take.</summary>
internal sealed record ControlPending(Link Link);

/// <summary>The <see cref="ILinkEvents"/> a PeerLink claims its link with: turns the wake-up into a message.</summary>
internal sealed class InboxWaker(Akka.Actor.IActorRef owner) : ILinkEvents
{
    public void ControlPending(Link link) => owner.Tell(new ControlPending(link), Akka.Actor.ActorRefs.NoSender);
}
