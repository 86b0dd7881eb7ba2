using MeshActors.Protocol.Routing;
using MeshActors.Routing;

namespace MeshActors.Testing.Simulation;

/// <summary>
/// Deterministic stand-ins for node keys and overlay subnets: node i has router id (i+1, 0, 0, 0) and owns
/// fd00::i:0:0:0/64. <see cref="Ownership"/> enforces exactly that pairing inside IPv6, like the real key-derived rule,
/// and lets anyone originate IPv4 prefixes, as the real rule does outside the overlay prefix.
/// </summary>
public static class SimulatedIdentity
{
    /// <summary>fd00::/16 in the top bits of the 128-bit address.</summary>
    private const ulong SubnetBase = 0xfd00_0000_0000_0000UL;

    public static RouterId RouterIdOf(int node) => new((ulong)node + 1, 0, 0, 0);

    public static RoutePrefix SubnetOf(int node) => RoutePrefix.FromWords(SubnetBase | (uint)node, 0, 64, isIPv6: true);

    public static IPrefixOwnership Ownership { get; } = new SubnetOwnership();

    private sealed class SubnetOwnership : IPrefixOwnership
    {
        public bool MayOriginate(RouterId originator, RoutePrefix prefix) =>
            !prefix.IsIPv6 || (originator.W0 >= 1 && prefix == SubnetOf((int)(originator.W0 - 1)));
    }
}
