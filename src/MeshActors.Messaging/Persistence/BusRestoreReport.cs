namespace MeshActors.Messaging.Persistence;

/// <summary>What a restore took in and what it left out: entries that are invalid (bad key, over a limit, inconsistent)
/// or whose deadline passed while the node was down, or that no longer fit (in-flight or inbox full).</summary>
public sealed record BusRestoreReport(int Outbound, int Inbox, int Delivered, int Expired, int Invalid, int NoRoom)
{
    public override string ToString() =>
        $"{Outbound} outbound, {Inbox} inbox, {Delivered} delivered id(s); left out {Expired} expired, {Invalid} invalid, {NoRoom} beyond limits";
}
