using System.Net;

namespace MeshActors.Routing.Nat;

/// <summary>What a node concludes from its neighbours' reflections.</summary>
/// <param name="Type">The NAT's mapping behaviour (<see cref="NatType"/>).</param>
/// <param name="BehindNat">True when at least one neighbour sees a translated endpoint, even before the type is known.</param>
/// <param name="Reflexive">The distinct translated endpoints neighbours report, in order (address bytes, then port).</param>
/// <param name="Observers">Neighbours whose reflection is held.</param>
public sealed record NatVerdict(NatType Type, bool BehindNat, IReadOnlyList<IPEndPoint> Reflexive, int Observers)
{
    public static readonly NatVerdict Empty = new(NatType.Unknown, false, [], 0);
}
