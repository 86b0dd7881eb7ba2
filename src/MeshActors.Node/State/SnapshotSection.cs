namespace MeshActors.Node.State;

/// <summary>
/// One kind of durable state, kept in its own file in the data folder: the file name, the record type stored there
/// (which must be on <see cref="SnapshotTypes.Allowed"/>), and the version of that type's layout. Change a section's
/// types, bump its version: an old file is then moved aside instead of half-loaded.
/// </summary>
public sealed record SnapshotSection<T>(string FileName, ushort Version)
    where T : class;
