using System.Net;
using MeshActors.Protocol;

namespace MeshActors.Node.Settings;

/// <summary>Signed name records (config section <c>meshactors.names</c>; defaults and reasons in reference.conf).</summary>
/// <param name="RefreshInterval">How often this node signs and floods its record again.</param>
/// <param name="RecordLifetime">Lifetime written into this node's records: others drop the record after it.</param>
/// <param name="MaxRecords">Most keys whose records a node holds.</param>
/// <param name="MaxClockSkew">How far ahead of this node's clock a record may be signed.</param>
public sealed record NameSettings(TimeSpan RefreshInterval, TimeSpan RecordLifetime, int MaxRecords, TimeSpan MaxClockSkew)
{
    public static readonly NameSettings Default = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(300), 65_536, TimeSpan.FromSeconds(60));
}

/// <summary>The DNS server (config section <c>meshactors.dns</c>, flag <c>--dns-addr</c>).</summary>
/// <param name="Address">UDP and TCP endpoint to serve on; null = no DNS server (the default).</param>
/// <param name="Domain">Zone the mesh's names live under, lower case without dots at the ends ("mesh").</param>
/// <param name="Ttl">Time to live of every answer.</param>
public sealed record DnsSettings(IPEndPoint? Address, string Domain, TimeSpan Ttl)
{
    public static readonly DnsSettings Off = new(null, "mesh", TimeSpan.FromSeconds(30));
}

/// <summary>Automatic IPv4 addressing (<c>ipv4.network</c>, <c>ipv4.conflict-check-interval</c>).</summary>
/// <param name="Network">CIDR each node derives its address in; null = no automatic address.</param>
/// <param name="ConflictCheckInterval">How often the node looks for another holder of its address.</param>
public sealed record Ipv4NetworkSettings(IpPrefix? Network, TimeSpan ConflictCheckInterval)
{
    public static readonly Ipv4NetworkSettings Off = new(null, TimeSpan.FromSeconds(2));
}

/// <summary>NAT discovery and traversal (config section <c>meshactors.nat</c>; defaults and reasons in reference.conf).</summary>
/// <param name="ReflectionInterval">Longest time between two reflections to one neighbour (sooner when its endpoint moves).</param>
/// <param name="Punch">Whether traffic for a node without a link to it starts hole punching.</param>
/// <param name="RetryMin">Wait after a peer's first failed punch; doubles with each failure.</param>
/// <param name="RetryMax">Longest wait between two punches towards one peer.</param>
/// <param name="Relay">Whether this node carries traffic between other nodes.</param>
public sealed record NatSettings(TimeSpan ReflectionInterval, bool Punch, TimeSpan RetryMin, TimeSpan RetryMax, bool Relay)
{
    public static readonly NatSettings Default = new(TimeSpan.FromSeconds(5), true, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), true);
}
