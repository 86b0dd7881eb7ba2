using MeshActors.Crypto;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Routing;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// The forwarder's view of the routing table: longest-prefix match of a destination address to the next-hop link
/// and the node that owns the prefix. Implementations are immutable snapshots: the control plane builds a new one
/// and publishes it with <see cref="Forwarder.Routes"/> (a volatile write), data-plane threads read it without locks.
/// Must not allocate.
/// </summary>
public interface IRouteLookup
{
    /// <param name="destination">16 bytes (IPv6) or 4 bytes (IPv4).</param>
    bool TryLookup(ReadOnlySpan<byte> destination, out RouteTarget target);
}

/// <summary>Where a packet for a prefix goes: <paramref name="NextHop"/>, and <paramref name="Owner"/>, the node the
/// prefix belongs to (the end-to-end peer; also who may use the prefix as a source address). <paramref name="Prefix"/>
/// is the prefix the destination matched (an exit prefix sends the flow to one of its exits, see <see cref="ExitTable"/>).</summary>
public readonly record struct RouteTarget(Link NextHop, PublicIdentity Owner, RoutePrefix Prefix = default);
