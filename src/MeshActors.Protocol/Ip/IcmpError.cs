namespace MeshActors.Protocol.Ip;

/// <summary>The ICMP errors the forwarder sends back into its own TUN device.</summary>
public enum IcmpError : byte
{
    /// <summary>No route to the destination (ICMPv6 1/0 "no route", ICMPv4 3/1 "host unreachable").</summary>
    NoRoute,

    /// <summary>Hop limit exhausted (ICMPv6 3/0, ICMPv4 11/0).</summary>
    TimeExceeded,

    /// <summary>The packet exceeds the path MTU (ICMPv6 2/0 "packet too big", ICMPv4 3/4 "fragmentation needed").</summary>
    PacketTooBig,
}
