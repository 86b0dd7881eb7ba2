using Akka.Actor;
using MeshActors.Crypto;
using MeshActors.Messaging;
using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Messaging;

/// <summary>A decrypted bus frame copied off a link reader thread for the MessageBus actor.</summary>
internal sealed record BusFrame(BusInlet Inlet, RouterId Sender, byte[] Plaintext);

/// <summary>
/// The hand-off from the forwarder's <see cref="DataPlane.Forwarding.MessageHandler"/> (link reader threads) to
/// the MessageBus actor: copies each frame into a message, at most <see cref="Capacity"/> waiting at once. Beyond it
/// frames are dropped and counted; the sender retransmits unacknowledged chunks, so a drop costs time, not data.
/// </summary>
internal sealed class BusInlet(IActorRef bus)
{
    /// <summary>Frames waiting in the actor's mailbox, at most: four full 1 MiB messages (959 chunks each), ≈ 4.5 MiB.
    /// Senders keep their window (messages.max-send-window) within it, so one sender alone never overflows it.</summary>
    public const int Capacity = MessageBusSettings.ReceiverInletFrames;

    private long _pending;
    private long _received;
    private long _dropped;

    public long Received => Volatile.Read(ref _received);

    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Called on a link reader thread; <paramref name="frame"/> is valid only during the call.</summary>
    public void Accept(PublicIdentity source, ReadOnlySpan<byte> frame)
    {
        if (Interlocked.Increment(ref _pending) > Capacity)
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
            return;
        }

        Interlocked.Increment(ref _received);
        bus.Tell(new BusFrame(this, RouterId.FromBytes(source.Bytes), frame.ToArray()));
    }

    /// <summary>The actor has handled one frame.</summary>
    public void Done() => Interlocked.Decrement(ref _pending);
}
