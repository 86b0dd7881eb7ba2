using MeshActors.Messaging;
using MeshActors.Protocol.Tunnels;

namespace MeshActors.Node.Tunnels;

/// <summary>
/// The registry key of the node's tunnel bus: a second <see cref="Messaging.MessageBusActor"/>, separate from the
/// message bus so tunnel traffic never takes its in-flight slots, evicts its delivered ids or lands in its durable
/// state. Its frames travel as inner type Stream; every message it delivers goes to the <see cref="TunnelActor"/>.
/// </summary>
public sealed class TunnelBus
{
    public const string Name = "tunnel-bus";

    /// <summary>Limits sized for streams: one message is one <see cref="TunnelFrame"/>, many are in flight, none is
    /// kept long (a frame undelivered after a minute belongs to a stream that is gone).</summary>
    public static readonly MessageBusSettings Settings = new()
    {
        MaxMessageSize = TunnelFrame.HeaderSize + 4 + TunnelFrame.MaxData,
        MaxInFlight = 4096,
        MaxReassemblies = 1024,
        DefaultDeadline = TimeSpan.FromMinutes(1),
        DeliveredIdRetention = TimeSpan.FromMinutes(1),
        StatusRetention = TimeSpan.FromSeconds(10),
    };

    private TunnelBus()
    {
    }
}
