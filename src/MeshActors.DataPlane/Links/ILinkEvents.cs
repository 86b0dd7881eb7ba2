namespace MeshActors.DataPlane.Links;

/// <summary>
/// What a link tells the one actor that claimed it (<see cref="Link.Claim"/>): the narrow interface from the data
/// plane up to the actor layer. Called on a data-plane thread; implementations only post a message and return.
/// </summary>
public interface ILinkEvents
{
    /// <summary>The link's <see cref="ControlInbox"/> has frames and no wake-up is pending: drain it, then
    /// <see cref="ControlInbox.Rearm"/>.</summary>
    void ControlPending(Link link);
}
