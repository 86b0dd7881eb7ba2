using System.Runtime.CompilerServices;
using MeshActors.Crypto;
using MeshActors.Crypto.EndToEnd;
using MeshActors.Protocol;
using MeshActors.Protocol.Ip;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// Decides whether a decrypted packet's source address belongs to the identity that sealed it: inside that
/// identity's derived /64, or inside a prefix the route lookup says that identity owns (its IPv4 and extra
/// prefixes). The /64 of each session is derived once (one SHA-256) and remembered beside the session, so the
/// per-packet check is a compare and at most one lookup.
/// </summary>
internal sealed class SourceOwnership(IpPrefix overlayPrefix)
{
    private readonly ConditionalWeakTable<EndToEndSession, byte[]> _subnets = new();

    public bool Owns(EndToEndSession session, ReadOnlySpan<byte> packet, IpVersion version, IRouteLookup? routes)
    {
        var source = IpPacket.Source(packet, version);
        if (version == IpVersion.V6 && source[..8].SequenceEqual(SubnetOf(session)))
        {
            return true;
        }

        return routes is not null && routes.TryLookup(source, out var target) && target.Owner == session.Peer;
    }

    private byte[] SubnetOf(EndToEndSession session)
    {
        if (_subnets.TryGetValue(session, out var subnet))
        {
            return subnet;
        }

        subnet = OverlayAddressing.DeriveAddress(session.Peer, overlayPrefix).GetAddressBytes()[..8];
        _subnets.AddOrUpdate(session, subnet);
        return subnet;
    }
}
