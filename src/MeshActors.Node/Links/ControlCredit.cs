using Akka.Actor;
using MeshActors.DataPlane.Links;

namespace MeshActors.Node.Links;

/// <summary>
/// Bounds the Control frames of one link that sit in handlers' mailboxes (the route table's, …): a PeerLink passes a
/// frame on only while fewer than <see cref="MaxInFlight"/> of its frames are unhandled, else it pauses and leaves
/// the rest in the link's bounded <see cref="ControlInbox"/> (which drops and counts when full). Each handler calls
/// <see cref="Done"/> once per <see cref="ControlReceived"/>; the one that frees the window of a paused PeerLink
/// wakes it. So a peer flooding routing frames costs at most inbox capacity + this many messages, and its frames
/// never queue ahead of more than this many of another peer's.
/// </summary>
public sealed class ControlCredit
{
    /// <summary>Frames of one link in handlers' mailboxes at most: a route dump's burst still flows without pausing.</summary>
    public const int MaxInFlight = 16;

    private readonly IActorRef _owner;
    private readonly Link _link;
    private int _inFlight;
    private int _paused;

    internal ControlCredit(IActorRef owner, Link link)
    {
        _owner = owner;
        _link = link;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The handler is done with one frame (any thread).</summary>
    public void Done()
    {
        Interlocked.Decrement(ref _inFlight);
        if (Volatile.Read(ref _paused) != 0 && Interlocked.Exchange(ref _paused, 0) != 0)
        {
            _owner.Tell(new ControlPending(_link), ActorRefs.NoSender);
        }
    }

    /// <summary>PeerLink: takes one slot, or returns false after pausing (a later <see cref="Done"/> wakes it).</summary>
    internal bool TryTake()
    {
        if (Interlocked.Increment(ref _inFlight) <= MaxInFlight)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        Volatile.Write(ref _paused, 1);
        // Handlers may all have finished between the check and the pause: then nobody would wake us.
        if (Volatile.Read(ref _inFlight) < MaxInFlight && Interlocked.Exchange(ref _paused, 0) != 0)
        {
            return TryTake();
        }

        return false;
    }
}
