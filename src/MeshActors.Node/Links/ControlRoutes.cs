using System.Collections.Frozen;
using MeshActors.Node.Names;
using MeshActors.Node.Nat;
using MeshActors.Node.Routing;
using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Links;

/// <summary>
/// Where a neighbour's Control frame goes, by its first byte (<see cref="ControlKinds"/>): the registry key of the
/// actor that handles that kind. A new control frame type is one line here (and its handler's Receive).
/// </summary>
public static class ControlRoutes
{
    private static readonly FrozenDictionary<byte, Type> ByKind = new Dictionary<byte, Type>
    {
        [ControlKinds.RouteUpdates] = typeof(RouteTableActor),
        [ControlKinds.SeqnoRequests] = typeof(RouteTableActor),
        [ControlKinds.NameRecord] = typeof(NamesActor),
        [ControlKinds.Reflection] = typeof(NatTraversalActor),
        [ControlKinds.Introduction] = typeof(NatTraversalActor),
    }.ToFrozenDictionary();

    /// <summary>The registry key of the handler for <paramref name="kind"/>; null for a kind nobody handles.</summary>
    public static Type? For(byte kind) => ByKind.GetValueOrDefault(kind);
}
