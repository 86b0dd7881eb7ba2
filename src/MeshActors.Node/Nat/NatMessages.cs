using MeshActors.Routing.Nat;

namespace MeshActors.Node.Nat;

/// <summary>Asks the NAT traversal actor for <see cref="NatStatus"/>.</summary>
public sealed class GetNatStatus
{
    public static readonly GetNatStatus Instance = new();

    private GetNatStatus()
    {
    }
}

/// <summary>
/// The <c>nat</c> part of <c>GET /api/v1/admin</c>: the NAT type this node inferred (<see cref="NatType"/> in camel
/// case: <c>unknown</c>, <c>none</c>, <c>endpointIndependent</c>, <c>symmetric</c>), whether any neighbour sees it
/// translated, the distinct translated (reflexive) endpoints, each neighbour's report, and reflection counters by
/// outcome; the peers a hole-punching attempt runs for now, and punching counters by event (<c>started</c>,
/// <c>succeeded</c>, <c>failed</c>, <c>offers_received</c>, <c>answers_received</c>, <c>signals_refused</c>,
/// <c>offers_while_linked</c>, <c>introductions_received</c>, <c>introductions_refused</c>);
/// whether this node relays for others; its role (<c>relay</c> or <c>public</c>: neighbours see it untranslated, at
/// <paramref name="PublicEndpoints"/>, which its name record announces; <c>client</c>: behind NAT, it keeps a link to
/// a relay; <c>unknown</c>: no UDP neighbour has reported yet) and the relays the mesh's records announce.
/// </summary>
public sealed record NatStatus(
    string Type,
    bool BehindNat,
    IReadOnlyList<string> Reflexive,
    IReadOnlyList<NatObserver> Observers,
    IReadOnlyDictionary<string, long> Counters,
    IReadOnlyList<string> Punching,
    IReadOnlyDictionary<string, long> Punches,
    bool Relay,
    string Role,
    IReadOnlyList<string> PublicEndpoints,
    IReadOnlyList<NatRelay> Relays);

/// <summary>A relay the records announce: its key, the endpoint to dial, whether a link to it is up, and whether this
/// node dialled it because it had no relay linked.</summary>
public sealed record NatRelay(string PublicKey, string Endpoint, bool Linked, bool Dialled);

/// <summary>One UDP neighbour's reflection: its key and the endpoint it sees this node from.</summary>
public sealed record NatObserver(string PublicKey, string Sees);

public static class NatTypeNames
{
    public static string Of(NatType type) => type switch
    {
        NatType.None => "none",
        NatType.EndpointIndependent => "endpointIndependent",
        NatType.Symmetric => "symmetric",
        _ => "unknown",
    };
}

/// <summary>The message bus sent (or is sending) to <paramref name="Key"/>: a direct link may be worth punching.</summary>
public sealed record TrafficFor(byte[] Key);

/// <summary>A punch offer or answer arrived over the bus from <paramref name="Sender"/> (sealed end to end).</summary>
public sealed record PunchSignalReceived(byte[] Sender, byte[] Payload);
