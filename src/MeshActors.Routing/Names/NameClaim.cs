using MeshActors.Protocol.Names;

namespace MeshActors.Routing.Names;

/// <summary>
/// One live record as the registry sees it: the record as signed, when its key first claimed its name here (the
/// earliest claimed-at seen from that key for that name), and whether that claim owns the name.
/// </summary>
public sealed record NameClaim(NameRecord Record, long ClaimedAtMs, bool IsOwner);
