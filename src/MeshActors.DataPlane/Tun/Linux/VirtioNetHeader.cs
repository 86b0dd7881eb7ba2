using System.Buffers.Binary;

namespace MeshActors.DataPlane.Tun.Linux;

/// <summary>
/// struct virtio_net_hdr (linux/virtio_net.h), the 10 bytes in front of every packet on a TUN descriptor opened
/// with IFF_VNET_HDR: flags u8 · gso_type u8 · hdr_len u16 · gso_size u16 · csum_start u16 · csum_offset u16, in the
/// host's byte order for a legacy header (little-endian on every platform the node runs on).
/// </summary>
internal static class VirtioNetHeader
{
    public const int Size = 10;

    /// <summary>flags: the checksum from csum_start on is still to be completed and stored at csum_offset.</summary>
    public const byte NeedsChecksum = 1;

    /// <summary>gso_type: a plain packet, not a segmentation offload.</summary>
    public const byte GsoNone = 0;

    /// <summary>A header for a plain packet whose checksum is complete: all zero.</summary>
    public static void WriteComplete(Span<byte> header) => header[..Size].Clear();

    /// <summary>A header asking the kernel to treat the checksum as partial (see Protocol.Ip.PartialChecksum).</summary>
    public static void WritePartial(Span<byte> header, int checksumStart, int checksumOffset)
    {
        header[..Size].Clear();
        header[0] = NeedsChecksum;
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)checksumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], (ushort)checksumOffset);
    }

    /// <summary>True when a header read from the kernel describes a plain packet (no segmentation offload).</summary>
    public static bool IsPlain(ReadOnlySpan<byte> header) => header[1] == GsoNone;
}
