namespace MeshActors.Node.Settings;

/// <summary>How a node finds peers it was not configured with (config section <c>meshactors.discovery</c>).</summary>
/// <param name="Lan">Beacon on, and listen to, IPv6 link-local multicast on every link, and dial who is heard.</param>
/// <param name="LanInterval">Time between two beacons on one interface.</param>
/// <param name="LanPort">The UDP port of the beacons (every node of a LAN uses the same one).</param>
/// <param name="Rendezvous">Introduce the nodes linked to this one to each other, so that they punch direct links.</param>
public sealed record DiscoverySettings(bool Lan, TimeSpan LanInterval, int LanPort, bool Rendezvous = false)
{
    public static readonly DiscoverySettings Default = new(false, TimeSpan.FromSeconds(5), 9650);
}
