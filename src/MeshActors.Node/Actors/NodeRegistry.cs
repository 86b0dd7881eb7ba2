using Akka.Actor;
using Akka.Hosting;

namespace MeshActors.Node.Actors;

/// <summary>
/// How the node's actors reach each other: typed <see cref="IActorRef"/>s from the Akka.Hosting
/// <see cref="ActorRegistry"/>, keyed by the actor's class (the guardian registers each child's backoff supervisor,
/// which forwards to the child). Not the event stream and not selection strings: a message goes to one known receiver.
/// </summary>
public static class NodeRegistry
{
    /// <summary>Tells the actor registered under <paramref name="key"/>; false when none is (a test without it, or
    /// the node is stopping): the message is dropped.</summary>
    public static bool TryTell(ActorSystem system, Type key, object message, IActorRef? sender = null)
    {
        if (!ActorRegistry.For(system).TryGet(key, out var target))
        {
            return false;
        }

        target.Tell(message, sender ?? ActorRefs.NoSender);
        return true;
    }

    public static bool TryTell<TKey>(ActorSystem system, object message, IActorRef? sender = null) =>
        TryTell(system, typeof(TKey), message, sender);
}
