namespace MeshActors.Routing.Names;

/// <summary>Limits of a <see cref="NameRegistry"/> (HOCON <c>meshactors.names</c>).</summary>
/// <param name="MaxRecords">Most keys with a live record; records of further keys are refused and counted.</param>
/// <param name="MaxClockSkew">How far ahead of this node's clock a record may be signed and still be taken.</param>
public sealed record NameRegistrySettings(int MaxRecords, TimeSpan MaxClockSkew)
{
    public static readonly NameRegistrySettings Default = new(65_536, TimeSpan.FromSeconds(60));
}
