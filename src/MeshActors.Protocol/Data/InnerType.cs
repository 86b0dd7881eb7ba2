namespace MeshActors.Protocol.Data;

/// <summary>
/// First plaintext byte of a sealed Data payload, inside the end-to-end encryption so relays cannot tell an IP
/// packet from a message-bus chunk. Unknown values are dropped by the receiver.
/// </summary>
public enum InnerType : byte
{
    /// <summary>An IPv4 or IPv6 packet for the destination's TUN device.</summary>
    IpPacket = 1,

    /// <summary>A message-bus chunk, handed to the bus instead of the TUN device.</summary>
    Message = 2,

    /// <summary>A relay's report that a payload from the receiver ran out of hops there (<see cref="RelayNotice"/>):
    /// the receiver, which sent the packet, answers it with ICMP Time Exceeded into its own TUN.</summary>
    HopLimitExpired = 3,

    /// <summary>A relay's report that a payload from the receiver is larger than the relay's next link carries
    /// (<see cref="RelayNotice"/>, value = that link's largest inner packet): the receiver answers it with ICMP Packet
    /// Too Big into its own TUN, so path MTU discovery works across links of different sizes.</summary>
    PacketTooBig = 4,

    /// <summary>A port-tunnel bus chunk (the same frames as <see cref="Message"/>, for the node's separate tunnel bus),
    /// handed to that bus instead of the TUN device.</summary>
    Stream = 5,
}

/// <summary>Sizes around the sealed inner part of a Data payload.</summary>
public static class InnerLayout
{
    /// <summary>The inner type byte in front of the packet.</summary>
    public const int TypeSize = 1;

    /// <summary>End-to-end AEAD tag bytes (ChaCha20-Poly1305).</summary>
    public const int TagSize = 16;

    /// <summary>Bytes a Data payload adds around an inner packet: header, type byte, end-to-end tag.</summary>
    public const int Overhead = DataHeader.Size + TypeSize + TagSize;

    /// <summary>Largest inner packet (bytes) that fits one frame on any transport: 65,480 − 77 = 65,403.</summary>
    public const int MaxInnerPacket = Frames.FrameLayout.MaxPayloadSize - Overhead;
}
