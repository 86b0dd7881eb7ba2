using System.Net;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Tun;
using MeshActors.Protocol;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Addressing;
using MeshActors.Routing;
using Serilog.Events;

namespace MeshActors.Node.Settings;

/// <summary>Everything a node is told, validated once at start-up; immutable. Keys documented in hocon/reference.conf.</summary>
public sealed record NodeSettings
{
    public required string NodeName { get; init; }

    public required string KeyFile { get; init; }

    public required IpPrefix OverlayPrefix { get; init; }

    public required IReadOnlyList<PeerUri> Listen { get; init; }

    public required IReadOnlyList<PeerUri> Peers { get; init; }

    public required AdmissionSettings Admission { get; init; }

    public required TunSettings Tun { get; init; }

    public required Ipv4Settings Ipv4 { get; init; }

    public required Links.LinkTimers LinkTimers { get; init; }

    /// <summary>
    /// The link layer's limits (<c>links.handshake-timeout</c>, <c>max-pending-handshakes</c>, <c>max-half-open</c>,
    /// <c>send-ring-capacity</c>, <c>udp-max-frame-size</c>) and data-frame policy (<c>dataplane.data-frame-sealing</c>,
    /// <c>dataplane.audit-encryption</c> / <c>--audit-encryption</c>); handed as is to every link of the node.
    /// </summary>
    public required LinkOptions LinkOptions { get; init; }

    /// <summary>Packet memory and TUN batching (<c>dataplane { … }</c>).</summary>
    public required DataPlaneSettings DataPlane { get; init; }

    /// <summary>Routing timers (<c>routing { … }</c>); the rest of the routing core keeps its code defaults.</summary>
    public required RoutingSettings Routing { get; init; }

    public required IPEndPoint ApiAddress { get; init; }

    public required LogEventLevel LogLevel { get; init; }

    /// <summary>Message bus limits and timers (<c>messages { … }</c>).</summary>
    public MeshActors.Messaging.MessageBusSettings Messages { get; init; } = new();

    /// <summary>Signed name records (<c>names { … }</c>).</summary>
    public NameSettings Names { get; init; } = NameSettings.Default;

    /// <summary>The DNS server (<c>dns { … }</c>, <c>--dns-addr</c>); off unless an address is given.</summary>
    public DnsSettings Dns { get; init; } = DnsSettings.Off;

    /// <summary>The SOCKS5 gateway (<c>socks { … }</c>, <c>--socks</c>); off unless an address is given.</summary>
    public SocksSettings Socks { get; init; } = SocksSettings.Off;

    /// <summary>Port tunnels (<c>tunnels { … }</c>): what this node exposes, and the tunnels it opens at start.</summary>
    public TunnelSettings Tunnels { get; init; } = TunnelSettings.Default;

    /// <summary>Automatic IPv4 address in <c>ipv4.network</c>.</summary>
    public Ipv4NetworkSettings Ipv4Network { get; init; } = Ipv4NetworkSettings.Off;

    /// <summary>This node as an exit for shared prefixes (<c>exit { … }</c>).</summary>
    public ExitSettings Exit { get; init; } = ExitSettings.Off;

    /// <summary>NAT discovery and traversal (<c>nat { … }</c>).</summary>
    public NatSettings Nat { get; init; } = NatSettings.Default;

    /// <summary>Finding peers nobody configured (<c>discovery { … }</c>).</summary>
    public DiscoverySettings Discovery { get; init; } = DiscoverySettings.Default;

    /// <summary>Where and how often the node saves the state it must not lose (<c>data-dir</c>, <c>state { … }</c>).</summary>
    public StateSettings State { get; init; } = new(StateSettings.DefaultDataDir, StateSettings.DefaultWriteInterval);

    /// <summary>Bearer token every API request must carry (<c>api.token</c>); <see cref="Api.ApiToken.None"/> = no check.</summary>
    public Api.ApiToken ApiToken { get; init; } = Api.ApiToken.None;
}

public enum AdmissionMode
{
    Open,
    AllowList,
    NetworkKey,
    AllowListAndNetworkKey,
    AllowListOrNetworkKey,
}

public sealed record AdmissionSettings(AdmissionMode Mode, IReadOnlyList<Crypto.PublicIdentity> AllowedKeys, byte[]? NetworkKey)
{
    public override string ToString() =>
        $"AdmissionSettings {{ Mode = {Mode}, AllowedKeys = {AllowedKeys.Count}, NetworkKey = {(NetworkKey is null ? "none" : "set, redacted")} }}";
}

/// <param name="ChecksumOffload"><c>tun.checksum-offload</c>: packets written to the device carry partial checksums (Linux).</param>
/// <param name="SegmentationOffload"><c>tun.segmentation-offload</c>: the device takes and hands over TCP/UDP super
/// packets (Linux TSO/USO; needs the checksum offload's virtio-net header).</param>
public sealed record TunSettings(bool Enabled, string Name, int Mtu, bool ChecksumOffload = true, bool SegmentationOffload = true)
{
    /// <summary>IPv6 minimum link MTU (RFC 8200 §5).</summary>
    public const int MinMtu = 1280;

    /// <summary>Largest overlay packet: it must fit one link frame (65,507 bytes less frame and data headers).</summary>
    public const int MaxMtu = 65000;

    /// <summary>Linux IFNAMSIZ is 16 including the terminating NUL.</summary>
    public const int MaxNameLength = 15;

    public static bool IsValidName(string name, out string problem)
    {
        problem = name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? ""
            : $"must be 1..{MaxNameLength} characters of letters, digits, '-', '_' or '.', got '{name}'";
        return problem.Length == 0;
    }
}

/// <summary>IPv4 addresses owned by this node (host bits kept, for the TUN device) and extra IPv4 prefixes it routes to.</summary>
public sealed record Ipv4Settings(IReadOnlyList<TunAddress> Addresses, IReadOnlyList<IpPrefix> Prefixes);

/// <summary>Packet memory and TUN batching (config section <c>meshactors.dataplane</c>; defaults and reasons in reference.conf).</summary>
/// <param name="BufferPoolBytes">Memory the packet buffer pool may hold, bytes.</param>
/// <param name="TunBatchSize">Packets the TUN reader and writer threads handle per wake-up.</param>
/// <param name="TunWriteRingCapacity">Packets queued for the TUN writer thread.</param>
/// <param name="BufferPoolPrewarmBytes">Memory of buffers the pool creates at start, bytes.</param>
public sealed record DataPlaneSettings(long BufferPoolBytes, int TunBatchSize, int TunWriteRingCapacity, long BufferPoolPrewarmBytes)
{
    /// <summary>Fewest buffers the pool may have: enough to arm a full TUN batch and fill every ring a little.</summary>
    public const int MinPoolBuffers = 256;

    /// <summary>Most buffers the pool may have, whatever the budget (the bound the node used before the budget was a key).</summary>
    public const int MaxPoolBuffers = 8192;

    /// <summary>Largest <see cref="TunBatchSize"/>: a batch never needs more buffers than the smallest pool has.</summary>
    public const int MaxTunBatchSize = MinPoolBuffers;

    /// <summary>Buffers of <paramref name="bufferSize"/> bytes the pool holds: as many as the budget buys, within
    /// <see cref="MinPoolBuffers"/>..<see cref="MaxPoolBuffers"/>.</summary>
    public int PoolBuffers(int bufferSize) => (int)Math.Clamp(BufferPoolBytes / bufferSize, MinPoolBuffers, MaxPoolBuffers);

    /// <summary>Buffers of <paramref name="bufferSize"/> bytes created at start: as many as the prewarm budget buys, at
    /// most <see cref="PoolBuffers"/>.</summary>
    public int PrewarmBuffers(int bufferSize) => (int)Math.Min(BufferPoolPrewarmBytes / bufferSize, PoolBuffers(bufferSize));
}

/// <summary>
/// The data folder (<c>data-dir</c>, relative to the working directory like the key file) and the shortest time
/// between two saves of one changed state section (<c>state.write-interval</c>).
/// </summary>
public sealed record StateSettings(string DataDir, TimeSpan WriteInterval)
{
    public const string DefaultDataDir = "meshactors-data";

    public static readonly TimeSpan DefaultWriteInterval = TimeSpan.FromMilliseconds(100);
}
