using System.Collections.Frozen;
using System.Security.Cryptography;

namespace MeshActors.Crypto.Handshake;

/// <summary>
/// Who may complete a handshake with this node. Five forms:
/// <list type="bullet">
/// <item><see cref="Open"/>: anyone (no network key; a peer offering one is refused, it belongs to another network);</item>
/// <item><see cref="AllowList"/>: the peer's identity must be listed;</item>
/// <item><see cref="NetworkKey"/>: the peer must prove the 32-byte network key (mixed into the handshake as a PSK);</item>
/// <item><see cref="AllowListAndNetworkKey"/>: both;</item>
/// <item><see cref="AllowListOrNetworkKey"/>: either — a listed peer may come without the key, anyone with the key is in.</item>
/// </list>
/// A node that holds a network key always uses it when it initiates. The same policy judges an XX responder's identity
/// on the initiator's side; an IK responder is trusted because the operator pinned its key.
/// </summary>
public sealed class AdmissionPolicy
{
    public const int NetworkKeySize = 32;

    private readonly FrozenSet<PublicIdentity> _allowed;
    private readonly byte[]? _networkKey;
    private readonly bool _listed;
    private readonly bool _eitherSuffices;

    private AdmissionPolicy(IEnumerable<PublicIdentity>? allowed, ReadOnlySpan<byte> networkKey, bool eitherSuffices)
    {
        _listed = allowed is not null;
        _allowed = (allowed ?? []).ToFrozenSet();
        if (!networkKey.IsEmpty)
        {
            if (networkKey.Length != NetworkKeySize)
            {
                throw new ArgumentException($"a network key is {NetworkKeySize} bytes, got {networkKey.Length}", nameof(networkKey));
            }

            _networkKey = networkKey.ToArray();
        }

        _eitherSuffices = eitherSuffices;
    }

    public static AdmissionPolicy Open { get; } = new(null, default, eitherSuffices: false);

    public static AdmissionPolicy AllowList(IEnumerable<PublicIdentity> allowed) => new(allowed, default, eitherSuffices: false);

    public static AdmissionPolicy NetworkKey(ReadOnlySpan<byte> key) => new(null, RequireKey(key), eitherSuffices: false);

    public static AdmissionPolicy AllowListAndNetworkKey(IEnumerable<PublicIdentity> allowed, ReadOnlySpan<byte> key) =>
        new(allowed, RequireKey(key), eitherSuffices: false);

    public static AdmissionPolicy AllowListOrNetworkKey(IEnumerable<PublicIdentity> allowed, ReadOnlySpan<byte> key) =>
        new(allowed, RequireKey(key), eitherSuffices: true);

    public bool HasNetworkKey => _networkKey is not null;

    /// <summary>True when a peer that does not offer the network key is refused whoever it is (checked before any DH).</summary>
    public bool RequiresNetworkKey => _networkKey is not null && !_eitherSuffices;

    internal ReadOnlySpan<byte> NetworkKeyBytes => _networkKey;

    /// <summary>The final decision, once the peer's identity is authenticated and its key proof (if offered) verified.</summary>
    public bool Admits(PublicIdentity peer, bool provedNetworkKey)
    {
        var listed = !_listed || _allowed.Contains(peer);
        if (_networkKey is null)
        {
            return listed;
        }

        return _eitherSuffices ? provedNetworkKey || (_listed && listed) : provedNetworkKey && listed;
    }

    public override string ToString() =>
        (_listed, _networkKey is not null, _eitherSuffices) switch
        {
            (false, false, _) => "open",
            (true, false, _) => $"allow-list({_allowed.Count})",
            (false, true, _) => "network-key(redacted)",
            (true, true, false) => $"allow-list({_allowed.Count}) and network-key(redacted)",
            (true, true, true) => $"allow-list({_allowed.Count}) or network-key(redacted)",
        };

    private static ReadOnlySpan<byte> RequireKey(ReadOnlySpan<byte> key) =>
        key.Length == NetworkKeySize && !CryptographicOperations.FixedTimeEquals(key, stackalloc byte[NetworkKeySize])
            ? key
            : throw new ArgumentException($"a network key is {NetworkKeySize} bytes and not all zero", nameof(key));
}
