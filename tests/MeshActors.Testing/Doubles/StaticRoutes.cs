using System.Net;
using MeshActors.Crypto;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol;
using MeshActors.Protocol.Routing;

namespace MeshActors.Testing.Doubles;

/// <summary>
/// A fixed route table for data-plane tests: a linear longest-prefix scan (the obvious slow structure; fine for a
/// handful of routes). Build it first, then publish it; it is not changed afterwards.
/// </summary>
public sealed class StaticRoutes : IRouteLookup
{
    private readonly List<(byte[] Network, int Length, RouteTarget Target)> _routes = [];

    public StaticRoutes Add(IpPrefix prefix, Link nextHop, PublicIdentity owner)
    {
        _routes.Add((prefix.Network.GetAddressBytes(), prefix.Length, new RouteTarget(nextHop, owner, RoutePrefix.From(prefix))));
        return this;
    }

    public StaticRoutes Add(string prefix, Link nextHop, PublicIdentity owner) => Add(IpPrefix.Parse(prefix), nextHop, owner);

    public bool TryLookup(ReadOnlySpan<byte> destination, out RouteTarget target)
    {
        target = default;
        var best = -1;
        foreach (var (network, length, candidate) in _routes)
        {
            if (network.Length == destination.Length && length > best && Matches(network, length, destination))
            {
                best = length;
                target = candidate;
            }
        }

        return best >= 0;
    }

    private static bool Matches(byte[] network, int length, ReadOnlySpan<byte> address)
    {
        var whole = length / 8;
        if (!address[..whole].SequenceEqual(network.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = length % 8;
        return rest == 0 || ((address[whole] ^ network[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
    }

    public static IPAddress HostIn(IpPrefix prefix, byte last)
    {
        var bytes = prefix.Network.GetAddressBytes();
        bytes[^1] = last;
        return new IPAddress(bytes);
    }
}
