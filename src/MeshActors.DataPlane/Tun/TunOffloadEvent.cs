namespace MeshActors.DataPlane.Tun;

/// <summary>What a TUN device's offloads did (<see cref="ITunDevice.OffloadCounters"/>); the snake_case name is the metrics label.</summary>
public enum TunOffloadEvent
{
    /// <summary>TCP or UDP super packets read from the kernel (segmentation offload).</summary>
    SuperPacketsRead,

    /// <summary>Packets cut from super packets read.</summary>
    SegmentsCut,

    /// <summary>Packets read whose checksum the kernel left partial, completed by the node.</summary>
    ChecksumsCompleted,

    /// <summary>Super packets or partial checksums read that made no sense (dropped).</summary>
    MalformedRead,

    /// <summary>Super packets written, each made of a run of TCP segments.</summary>
    SuperPacketsWritten,

    /// <summary>TCP segments written inside super packets.</summary>
    SegmentsCoalesced,

    /// <summary>Super packets the kernel refused; their segments were then written one by one.</summary>
    SuperPacketsRefused,
}
