namespace MeshActors.Crypto.EndToEnd;

/// <summary>
/// Identities this node knows beyond its end-to-end sessions (the owners of its routes), by key id: where a
/// receiver finds the source of a payload from a peer it has no session with yet. Must not allocate.
/// </summary>
public interface IIdentityDirectory
{
    bool TryFind(ulong keyId, out PublicIdentity identity);
}
