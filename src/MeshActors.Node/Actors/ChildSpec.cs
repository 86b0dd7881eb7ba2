using Akka.Actor;

namespace MeshActors.Node.Actors;

/// <summary>
/// One child of the node guardian: its name, how to create it, and the key its siblings find it under in the
/// actor registry (<see cref="NodeRegistry"/>; the actor's class by convention). The guardian wraps every child in a backoff
/// supervisor, so a failing child restarts after MinBackoff, doubling up to MaxBackoff, instead of in a tight loop.
/// </summary>
public sealed record ChildSpec(string Name, Props Props, Type? RegistryKey = null)
{
    public static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Random extra delay, as a fraction of the backoff, so siblings do not restart in lock-step.</summary>
    public const double RandomFactor = 0.2;
}
