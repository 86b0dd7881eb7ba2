using Akka.Actor;
using Akka.Hosting;
using MeshActors.Crypto;
using MeshActors.Messaging;
using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Messaging;

/// <summary>A decrypted bus frame copied off a link reader thread for the MessageBus actor.</summary>
internal sealed record BusFrame(BusInlet Inlet, RouterId Sender, byte[] Plaintext);

/// <summary>
/// The hand-off from the forwarder (its <see cref="DataPlane.Forwarding.MessageHandler"/>, given at construction, runs
/// on link reader threads) to the MessageBus actor, found in the actor registry once the node's actor system is
/// bound (<see cref="Bind"/>): copies each frame into a message, at most <see cref="Capacity"/> waiting at once.
/// Beyond it, or before the bus runs, frames are dropped and counted; the sender retransmits unacknowledged chunks,
/// so a drop costs time, not data.
/// </summary>
/// <param name="bus">The registry key of the actor the frames go to: the message bus, or the tunnel bus.</param>
public sealed class BusInlet(Type bus)
{
    /// <summary>Frames waiting in the actor's mailbox, at most: four full 1 MiB messages (959 chunks each), ≈ 4.5 MiB.
    /// Senders keep their window (messages.max-send-window) within it, so one sender alone never overflows it.</summary>
    public const int Capacity = MessageBusSettings.ReceiverInletFrames;

    private ActorSystem? _system;
    private IActorRef? _bus;
    private long _pending;
    private long _received;
    private long _dropped;

    /// <summary>Frames go to the MessageBus actor registered in <paramref name="system"/>'s actor registry from now on.</summary>
    public void Bind(ActorSystem system) => Volatile.Write(ref _system, system);

    public long Received => Volatile.Read(ref _received);

    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Called on a link reader thread; <paramref name="frame"/> is valid only during the call.</summary>
    public void Accept(PublicIdentity source, ReadOnlySpan<byte> frame)
    {
        var bus = Volatile.Read(ref _bus) ?? Resolve();
        if (bus is null || Interlocked.Increment(ref _pending) > Capacity)
        {
            if (bus is not null)
            {
                Interlocked.Decrement(ref _pending);
            }

            Interlocked.Increment(ref _dropped);
            return;
        }

        Interlocked.Increment(ref _received);
        bus.Tell(new BusFrame(this, RouterId.FromBytes(source.Bytes), frame.ToArray()));
    }

    /// <summary>The actor has handled one frame.</summary>
    public void Done() => Interlocked.Decrement(ref _pending);

    /// <summary>The registered bus (its backoff supervisor: a stable reference, cached once found).</summary>
    private IActorRef? Resolve()
    {
        if (Volatile.Read(ref _system) is not { } system || !ActorRegistry.For(system).TryGet(bus, out var found))
        {
            return null;
        }

        Volatile.Write(ref _bus, found);
        return found;
    }
}

/// <summary>The node's two bus inlets: the forwarder's <see cref="DataPlane.Forwarding.MessageHandler"/> sends each
/// chunk to the one its inner type names.</summary>
public sealed record BusInlets(BusInlet Messages, BusInlet Tunnels)
{
    public static BusInlets Create() => new(new BusInlet(typeof(MessageBusActor)), new BusInlet(typeof(MeshActors.Node.Tunnels.TunnelBus)));

    public void Accept(PublicIdentity source, Protocol.Data.InnerType type, ReadOnlySpan<byte> chunk) =>
        (type == Protocol.Data.InnerType.Stream ? Tunnels : Messages).Accept(source, chunk);

    public void Bind(ActorSystem system)
    {
        Messages.Bind(system);
        Tunnels.Bind(system);
    }
}
