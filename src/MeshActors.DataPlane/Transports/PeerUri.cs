using System.Diagnostics.CodeAnalysis;
using MeshActors.Crypto;
using MeshActors.Protocol.Addressing;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// A link endpoint with its optional identity pin, checked: the syntax of <see cref="TransportUri"/>
/// (<c>[pubkey@]scheme://host:port</c>) plus a pin that is a valid Ed25519 key. A pinned peer is dialled with the
/// IK handshake; without a pin, XX and the admission policy judge the peer. Listen endpoints are the same type
/// without a pin.
/// </summary>
public sealed record PeerUri(TransportKind Scheme, string Host, int Port, PublicIdentity? Pinned)
{
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PeerUri? uri, out string problem)
    {
        uri = null;
        if (!TransportUri.TryParse(text, out var syntax, out problem))
        {
            return false;
        }

        PublicIdentity? pinned = null;
        if (syntax.PinnedKeyHex is { } key)
        {
            if (!PublicIdentity.TryParse(key, out var identity))
            {
                problem = $"'{text}': the key before '@' is not a valid Ed25519 public key";
                return false;
            }

            pinned = identity;
        }

        uri = new PeerUri(syntax.Kind, syntax.Host, syntax.Port, pinned);
        return true;
    }

    public static PeerUri Parse(string text) =>
        TryParse(text, out var uri, out var problem) ? uri : throw new FormatException($"peer address: {problem}");

    /// <summary>A UDP peer at an endpoint seen on the wire, its key pinned (an IPv4 address seen through a dual-stack
    /// socket is written as IPv4; an IPv6 link-local address keeps its scope).</summary>
    public static PeerUri PinnedUdp(System.Net.IPEndPoint endPoint, PublicIdentity key)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        return new PeerUri(TransportKind.Udp, address.ToString(), endPoint.Port, key);
    }

    public override string ToString() => new TransportUri(Scheme, Host, Port, Pinned?.ToString()).ToString();
}
