namespace MeshActors.DataPlane.Forwarding;

/// <summary>The ways a packet passed the forwarder; the snake_case name is the metrics label (<c>kind</c>).</summary>
public enum ForwardPath
{
    /// <summary>Packets from our TUN (or message chunks) sealed and handed to a link.</summary>
    Originated,

    /// <summary>Data payloads passed on to the next hop without being opened.</summary>
    Relayed,

    /// <summary>Packets opened and written to our TUN device.</summary>
    DeliveredTun,

    DeliveredMessages,

    /// <summary>ICMP errors written back into our TUN.</summary>
    Icmp,

    /// <summary>Hop-limit notices this node (as a relay) sent to the origins of expired payloads.</summary>
    HopLimitNotices,
}
