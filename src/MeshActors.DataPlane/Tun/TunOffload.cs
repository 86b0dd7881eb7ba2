namespace MeshActors.DataPlane.Tun;

/// <summary>
/// What a TUN device leaves to the kernel (<c>tun.checksum-offload</c>, <c>tun.segmentation-offload</c>), as found
/// when it was opened. Linux only; elsewhere <see cref="None"/>.
/// </summary>
[Flags]
public enum TunOffload
{
    /// <summary>Plain packets both ways: the kernel checks every received transport checksum.</summary>
    None = 0,

    /// <summary>
    /// Packets written carry a virtio-net header marking their TCP or UDP checksum partial, so a kernel delivering
    /// them locally skips summing them (they were authenticated end to end).
    /// </summary>
    Checksum = 1,

    /// <summary>
    /// TCP segmentation offload (TSO4, TSO6): the kernel hands over TCP super packets of up to 64 KB, which the node
    /// cuts into packets, and takes runs of TCP segments written merged into one super packet (GRO-style).
    /// </summary>
    TcpSegmentation = 2,

    /// <summary>UDP segmentation offload (USO4, USO6, Linux 6.2): the kernel hands over UDP super packets too.</summary>
    UdpSegmentation = 4,
}

/// <summary>Names of <see cref="TunOffload"/> flags for the API and metrics.</summary>
public static class TunOffloadNames
{
    /// <summary>"none", or the offloads in use joined by '+', e.g. "checksum+tso+uso".</summary>
    public static string Describe(TunOffload offload)
    {
        if (offload == TunOffload.None)
        {
            return "none";
        }

        var names = new List<string>(3);
        foreach (var (flag, name) in All)
        {
            if (offload.HasFlag(flag))
            {
                names.Add(name);
            }
        }

        return string.Join('+', names);
    }

    /// <summary>Each offload with its short name (the metrics label).</summary>
    public static IReadOnlyList<(TunOffload Flag, string Name)> All { get; } =
        [(TunOffload.Checksum, "checksum"), (TunOffload.TcpSegmentation, "tso"), (TunOffload.UdpSegmentation, "uso")];
}
