namespace MeshActors.DataPlane.Forwarding;

/// <summary>Why the forwarder dropped a packet; each reason has its own counter in <see cref="ForwarderCounters"/>.</summary>
public enum ForwardDrop
{
    /// <summary>Not a whole IPv4/IPv6 packet, or a Data payload whose header is invalid.</summary>
    Malformed,

    /// <summary>The operating system's own multicast / link-local noise from the TUN device.</summary>
    Filtered,

    /// <summary>No route to the destination (an ICMP unreachable went back when the packet came from our TUN).</summary>
    NoRoute,

    /// <summary>Larger than the path allows (Packet Too Big went back when the packet came from our TUN).</summary>
    TooBig,

    /// <summary>Relayed packet whose hop limit ran out.</summary>
    HopLimit,

    /// <summary>End-to-end tag did not verify.</summary>
    DecryptFailed,

    /// <summary>End-to-end counter already seen, or older than the window.</summary>
    Replay,

    /// <summary>End-to-end epoch older than the peer's current one, or counter past the epoch limit.</summary>
    StaleEpoch,

    /// <summary>Source identity invalid, or the destination's key unusable.</summary>
    BadIdentity,

    /// <summary>Decrypted packet whose source address does not belong to the sending identity.</summary>
    ForgedSource,

    /// <summary>Decrypted packet whose inner destination is not this node's.</summary>
    NotForUs,

    /// <summary>Unknown inner type byte.</summary>
    UnknownInner,

    /// <summary>An IP packet for this node while running without a TUN device (--no-tun).</summary>
    NoTun,

    /// <summary>A message-bus chunk with no message handler installed.</summary>
    NoMessageHandler,

    /// <summary>The TUN write ring was full.</summary>
    TunRingFull,

    /// <summary>The operating system refused a packet written to the TUN device.</summary>
    TunRejected,

    /// <summary>No buffer free for an ICMP error or a TUN read.</summary>
    PoolExhausted,

    /// <summary>The next hop's link refused the frame (its ring was full, it was closing, or the audit refused it; see its stats).</summary>
    LinkRefused,

    /// <summary>A relay's hop-limit notice this node could not answer: not well formed, or for a payload it no longer remembers.</summary>
    UnknownNotice,

    /// <summary>An expired payload whose origin was not told: more than the notice rate limit this second.</summary>
    NoticeRateLimited,

    /// <summary>A payload for another node reached this node, which carries no transit traffic (<c>nat.relay = off</c>).</summary>
    TransitRefused,
}
