using System.Net;

namespace MeshActors.Routing.Nat;

/// <summary>What a <see cref="PunchAttempt"/> asks its owner to do.</summary>
public abstract record PunchAction
{
    /// <summary>Send one probe datagram to <paramref name="To"/> from the node's shared UDP socket.</summary>
    public sealed record Probe(IPEndPoint To) : PunchAction;

    /// <summary>Run the link handshake with the peer at <paramref name="To"/> (its probe came from there) from the shared socket.</summary>
    public sealed record Dial(IPEndPoint To) : PunchAction;
}
