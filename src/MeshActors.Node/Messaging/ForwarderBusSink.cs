using MeshActors.Crypto;
using MeshActors.DataPlane.Forwarding;
using MeshActors.Messaging;
using MeshActors.Protocol.Data;
using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Messaging;

/// <summary>
/// Sends the bus core's frames through the forwarder (sealed end to end, routed like IP traffic). Used only by the
/// MessageBus actor's thread. A frame the forwarder drops (no route, ring full) is counted; the core retransmits.
/// </summary>
/// <param name="type">The inner type the frames are sealed as: the message bus's, or the tunnel bus's.</param>
internal sealed class ForwarderBusSink(Forwarder forwarder, InnerType type) : IBusFrameSink
{
    /// <summary>Identities kept decoded, entries: validating a key is a curve-point decode, worth caching per peer;
    /// the cache is cleared when full so it stays bounded.</summary>
    private const int MaxCachedIdentities = 1024;

    private readonly Dictionary<RouterId, PublicIdentity> _identities = [];

    public long Sent { get; private set; }

    public long Dropped { get; private set; }

    public void Send(RouterId destination, ReadOnlySpan<byte> plaintext)
    {
        if (forwarder.TrySendMessage(IdentityOf(destination), plaintext, type))
        {
            Sent++;
        }
        else
        {
            Dropped++;
        }
    }

    private PublicIdentity IdentityOf(RouterId key)
    {
        if (!_identities.TryGetValue(key, out var identity))
        {
            if (_identities.Count >= MaxCachedIdentities)
            {
                _identities.Clear();
            }

            identity = PublicIdentity.FromBytes(key.ToBytes());
            _identities[key] = identity;
        }

        return identity;
    }
}
