namespace MeshActors.Routing;

/// <summary>Opaque handle of a neighbour (one live link), assigned by the host (the RouteTable actor or a simulator).</summary>
public readonly record struct NeighbourId(int Value)
{
    public override string ToString() => $"n{Value}";
}
