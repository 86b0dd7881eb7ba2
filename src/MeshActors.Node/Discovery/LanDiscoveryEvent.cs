namespace MeshActors.Node.Discovery;

/// <summary>What LAN discovery counts (<c>meshactors_discovery_lan_total{event}</c>).</summary>
public enum LanDiscoveryEvent
{
    BeaconsSent,
    SendFailed,
    JoinFailed,
    Heard,
    Malformed,
    Own,
    Busy,
    TableFull,
    Dialled,
    Dropped,
}
