using MeshActors.Crypto.Handshake;
using MeshActors.Protocol.Data;

namespace MeshActors.DataPlane.Links;

/// <summary>Tuning values of the link layer (the node reads them from HOCON; these defaults are the reference).</summary>
public sealed record LinkOptions
{
    /// <summary>Frames a link's send ring holds: 1,024 × a 1.5 KB packet ≈ 1.5 MB in flight per link, ~10 ms at 1 Gbit/s.</summary>
    public int SendRingCapacity { get; init; } = 1024;

    /// <summary>Control frames (hello, IHU, routing, …) waiting for a link's actor, at most: 256 covers a full route
    /// dump of a large mesh (≈ 40 updates per frame) arriving in one burst; beyond it frames are dropped and counted.</summary>
    public int ControlInboxCapacity { get; init; } = 256;

    /// <summary>Milliseconds a connection gets to complete its handshake before it is closed: 5 s covers a slow
    /// intercontinental round trip many times over and bounds what a silent peer costs.</summary>
    public int HandshakeTimeoutMs { get; init; } = 5_000;

    /// <summary>Inbound handshakes running at once per listener; beyond it new connections are closed at once (a flood's cost stays bounded).</summary>
    public int MaxPendingHandshakes { get; init; } = 256;

    /// <summary>Event-loop threads serving all links (reads, sealed sends, maintenance): 2 keeps a relay's inbound
    /// and outbound link on different cores of a small machine; the thread count does not grow with the links.</summary>
    public int IoThreads { get; init; } = 2;

    /// <summary>Milliseconds between the event loops' maintenance ticks (rekey due, session expiry): 1 s is
    /// fine-grained enough for the 120 s rekey interval.</summary>
    public int MaintenanceIntervalMs { get; init; } = 1_000;

    /// <summary>Largest datagram sent on UDP links, bytes: 1,452 = 1,500 (Ethernet, and most of the internet) − 40
    /// IPv6 − 8 UDP, so no datagram is fragmented on such a path, over IPv4 or IPv6. A longer frame goes as Segment
    /// frames of at most this size when the peer reassembles them (PROTOCOL.md §2), so the overlay MTU need not shrink.</summary>
    public int UdpMaxFrameSize { get; init; } = 1452;

    /// <summary>Cut a frame longer than <see cref="UdpMaxFrameSize"/> into Segment frames on UDP links whose peer
    /// reassembles them; when false a UDP link carries only what fits one datagram, and the path MTU shrinks to match.</summary>
    public bool UdpSegments { get; init; } = true;

    /// <summary>Use the kernel's UDP segmentation and receive coalescing where it accepts them (probed at start).</summary>
    public bool UdpOffload { get; init; } = true;

    /// <summary>When true, Data frames whose payload was not sealed end to end are refused and counted (--audit-encryption).</summary>
    public bool AuditEncryption { get; init; }

    /// <summary>When true, Data frames are sealed whole at the link layer (type 7): every hop re-encrypts the end-to-end
    /// ciphertext, so the bytes of one packet differ on every link. When false (the default), the link seals only the
    /// data header and binds the end-to-end tag (type 10): relays do no per-byte cryptography. PROTOCOL.md §5.</summary>
    public bool SealWholeDataFrames { get; init; }

    /// <summary>Cap on XX handshakes awaiting their finish (the responder's half-open table).</summary>
    public int MaxHalfOpen { get; init; } = HandshakeResponder.DefaultMaxHalfOpen;

    /// <summary>Largest inner packet a frame of <paramref name="maxFrameSize"/> bytes carries.</summary>
    public static int MaxInnerPacketFor(int maxFrameSize) =>
        maxFrameSize - Protocol.Frames.FrameLayout.TransportOverhead - InnerLayout.Overhead;
}
