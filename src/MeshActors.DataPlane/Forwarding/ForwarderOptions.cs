using MeshActors.Protocol;
using MeshActors.Protocol.Data;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>Tuning and addressing of a forwarder (the node fills it from HOCON; defaults are the reference).</summary>
public sealed record ForwarderOptions
{
    /// <summary>The overlay prefix this node's /64 is derived under (see OverlayAddressing).</summary>
    public IpPrefix OverlayPrefix { get; init; } = Crypto.OverlayAddressing.DefaultPrefix;

    /// <summary>IPv4 prefixes this node owns: packets to them are delivered here; one address of the first is the ICMPv4 source.</summary>
    public IReadOnlyList<IpPrefix> LocalIpv4Prefixes { get; init; } = [];

    /// <summary>Prefixes this node serves as an exit: packets sent to its overlay address for a destination in them
    /// are written to its TUN device (the kernel forwards them on).</summary>
    public IReadOnlyList<IpPrefix> ExitPrefixes { get; init; } = [];

    /// <summary>Whether payloads for other nodes are relayed (<c>nat.relay</c>); off: dropped as
    /// <see cref="ForwardDrop.TransitRefused"/>.</summary>
    public bool Transit { get; init; } = true;

    /// <summary>Hop limit stamped on originated Data payloads: links a packet may cross (64, as IPv6's default).</summary>
    public byte HopLimit { get; init; } = DataHeader.DefaultHopLimit;

    /// <summary>Packets taken from the TUN device per read call: 32 amortises the wake-up over a burst without
    /// holding many buffers idle (32 × buffer size).</summary>
    public int TunBatchSize { get; init; } = 32;

    /// <summary>Packets queued for the TUN writer thread: 1,024 ≈ 10 ms at 100k packets/s.</summary>
    public int TunWriteRingCapacity { get; init; } = 1024;
}
