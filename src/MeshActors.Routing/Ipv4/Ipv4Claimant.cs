namespace MeshActors.Routing.Ipv4;

/// <summary>
/// Another node found holding this node's IPv4 address: its key and whether it took the address automatically.
/// A holder seen only in the route table, with no name record saying so, counts as configured (not automatic).
/// </summary>
public readonly record struct Ipv4Claimant(byte[] Key, bool IsAutomatic);
