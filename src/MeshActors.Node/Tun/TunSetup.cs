using MeshActors.Crypto;
using MeshActors.DataPlane.Tun;
using MeshActors.Node.Settings;
using MeshActors.Routing.Ipv4;

namespace MeshActors.Node.Tun;

/// <summary>What the node's TUN device is opened with, from the settings (section <c>tun</c>) and the addresses the node holds now.</summary>
public static class TunSetup
{
    /// <summary>The overlay address with the overlay prefix's length (so the kernel's connected route sends the whole
    /// overlay into the device), the configured IPv4 addresses and the automatic one where it is now.</summary>
    public static TunOptions For(NodeSettings settings, PublicIdentity identity, Ipv4AutoAddress? autoIpv4) => new()
    {
        Name = settings.Tun.Name,
        Mtu = settings.Tun.Mtu,
        ChecksumOffload = settings.Tun.ChecksumOffload,
        SegmentationOffload = settings.Tun.SegmentationOffload,
        Addresses =
        [
            new TunAddress(OverlayAddressing.DeriveAddress(identity, settings.OverlayPrefix), settings.OverlayPrefix.Length),
            .. Ipv4.AutoIpv4.TunAddresses(settings, autoIpv4),
        ],
    };
}
