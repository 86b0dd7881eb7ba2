using MeshActors.Crypto;
using MeshActors.DataPlane.Forwarding;
using MeshActors.Protocol;
using MeshActors.Protocol.Names;

namespace MeshActors.Node.Exits;

/// <summary>Turns the mesh's live name records into the forwarder's <see cref="ExitTable"/>: every other node's exit
/// prefixes (this node's own are local: it never sends its own traffic for them into the mesh).</summary>
public static class ExitRecords
{
    public static ExitTable ToTable(IReadOnlyList<NameRecord> records, PublicIdentity self, IpPrefix overlayPrefix, ExitTable previous) =>
        ExitTable.Build(
            records
                .Where(record => record.ExitPrefixes.Length > 0)
                .Select(record => (Ok: PublicIdentity.TryFromBytes(record.Key, out var key), Key: key, record.ExitPrefixes))
                .Where(exit => exit.Ok && exit.Key != self)
                .Select(exit => (exit.Key, (IReadOnlyList<Protocol.Routing.RoutePrefix>)exit.ExitPrefixes)),
            overlayPrefix,
            previous);
}
