using Akka.Actor;

namespace MeshActors.Node.Links;

/// <summary>
/// How the <see cref="PeerManager"/> treats a failed <see cref="PeerLink"/>: a peer this node can never dial
/// (<see cref="PeerConfigurationException"/>) is stopped; a lost link (<see cref="LinkLostException"/>) and anything
/// unexpected restart that one actor, which backs off before it dials again (<c>links.reconnect-min</c> …
/// <c>links.reconnect-max</c>). Nothing escalates: a peer never takes the manager or the node down.
/// </summary>
public static class PeerLinkSupervision
{
    public static Directive Decide(Exception failure) => Unwrap(failure) switch
    {
        PeerConfigurationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>The failure itself, or for a failure while starting, its cause.</summary>
    public static Exception Unwrap(Exception failure) =>
        failure is ActorInitializationException { InnerException: { } inner } ? inner : failure;
}
