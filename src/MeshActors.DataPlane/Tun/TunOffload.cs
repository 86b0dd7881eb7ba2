namespace MeshActors.DataPlane.Tun;

/// <summary>What a TUN device leaves to the kernel (<c>tun.checksum-offload</c>), as found when it was opened.</summary>
public enum TunOffload
{
    /// <summary>Plain packets both ways: the kernel checks every received transport checksum.</summary>
    None,

    /// <summary>
    /// Packets written carry a virtio-net header marking their TCP or UDP checksum partial, so a kernel delivering
    /// them locally skips summing them (they were authenticated end to end). Linux only.
    /// </summary>
    Checksum,
}
