namespace MeshActors.Protocol.Ip;

/// <summary>
/// Recognises what an operating system sends out of a fresh TUN interface on its own: router solicitations, MLD
/// reports and other multicast or link-local traffic. A mesh forwards unicast only, so these are dropped (and
/// counted) at the TUN reader instead of failing a route lookup and earning an ICMP error each.
/// </summary>
public static class KernelNoiseFilter
{
    /// <summary>True for a parsed packet that must not enter the mesh.</summary>
    public static bool IsNoise(ReadOnlySpan<byte> packet, IpVersion version)
    {
        var destination = IpPacket.Destination(packet, version);
        var source = IpPacket.Source(packet, version);
        if (version == IpVersion.V6)
        {
            // ff00::/8 multicast (MLD reports, router solicitations to ff02::2), fe80::/10 link-local either end,
            // and the unspecified source (::) of duplicate address detection.
            return destination[0] == 0xff
                || (destination[0] == 0xfe && (destination[1] & 0xc0) == 0x80)
                || (source[0] == 0xfe && (source[1] & 0xc0) == 0x80)
                || source.IndexOfAnyExcept((byte)0) < 0;
        }

        // 224.0.0.0/4 multicast, 255.255.255.255 broadcast, 169.254.0.0/16 link-local, 0.0.0.0 source (DHCP).
        return destination[0] >= 224
            || (destination[0] == 169 && destination[1] == 254)
            || source.IndexOfAnyExcept((byte)0) < 0;
    }
}
