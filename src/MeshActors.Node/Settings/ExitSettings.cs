using MeshActors.Protocol;

namespace MeshActors.Node.Settings;

/// <summary>
/// This node as an exit (<c>exit { … }</c>): the prefixes it serves beside other exits (announced as routes and in
/// its name record), and the outbound interface whose address masks the mesh's sources (empty: no NAT).
/// </summary>
public sealed record ExitSettings(IReadOnlyList<IpPrefix> Prefixes, string MasqueradeInterface)
{
    public static readonly ExitSettings Off = new([], "");

    public bool Enabled => Prefixes.Count > 0;
}
