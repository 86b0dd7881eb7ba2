using System.Net;
using MeshActors.Protocol.Names;
using MeshActors.Protocol.Routing;
using NSec.Cryptography;

namespace MeshActors.Crypto.Names;

/// <summary>Signs this node's name records and checks everyone's (Ed25519 over <see cref="NameRecordCodec.SignedBytes"/>).</summary>
public static class NameRecordSigner
{
    /// <summary>A record of <paramref name="identity"/> with the given contents, signed.</summary>
    /// <param name="exitPrefixes">Prefixes the node serves as an exit; none when omitted.</param>
    /// <param name="publicEndpoints">UDP endpoints anyone can dial; none when omitted (then the relay flag is dropped too).</param>
    public static NameRecord Sign(
        NodeIdentity identity, string name, long issuedAtMs, long claimedAtMs, uint lifetimeSeconds, NameRecordFlags flags, uint ipv4,
        RoutePrefix[]? exitPrefixes = null, IPEndPoint[]? publicEndpoints = null)
    {
        exitPrefixes ??= [];
        publicEndpoints ??= [];
        flags = exitPrefixes.Length > 0 ? flags | NameRecordFlags.Exits : flags & ~NameRecordFlags.Exits;
        flags = publicEndpoints.Length > 0 ? flags | NameRecordFlags.Endpoints : flags & ~(NameRecordFlags.Endpoints | NameRecordFlags.Relay);
        var unsigned = new NameRecord(
            identity.Public.Bytes.ToArray(), name, issuedAtMs, claimedAtMs, lifetimeSeconds, flags, ipv4, new byte[NameRecordCodec.SignatureSize])
        {
            ExitPrefixes = exitPrefixes,
            PublicEndpoints = publicEndpoints,
        };
        return unsigned with { Signature = identity.Sign(NameRecordCodec.SignedBytes(unsigned)) };
    }

    /// <summary>True when the signature verifies under the record's key (a key that is no valid point fails).</summary>
    public static bool Verify(NameRecord record) =>
        record.Signature.Length == NameRecordCodec.SignatureSize
        && PublicKey.TryImport(SignatureAlgorithm.Ed25519, record.Key, KeyBlobFormat.RawPublicKey, out var key)
        && SignatureAlgorithm.Ed25519.Verify(key!, NameRecordCodec.SignedBytes(record), record.Signature);
}
