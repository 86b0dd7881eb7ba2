using System.Buffers.Binary;
using MeshActors.Protocol.Ip;

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

    /// <summary>gso_type: a TCP over IPv4 super packet (TSO4).</summary>
    public const byte GsoTcpV4 = 1;

    /// <summary>gso_type: a TCP over IPv6 super packet (TSO6).</summary>
    public const byte GsoTcpV6 = 4;

    /// <summary>gso_type: a UDP super packet cut into datagrams (USO).</summary>
    public const byte GsoUdpL4 = 5;

    /// <summary>gso_type bit: the super packet carries ECN CE marks (only sent with TUN_F_TSO_ECN, never asked for).</summary>
    private const byte GsoEcn = 0x80;

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

    /// <summary>
    /// A header for a TCP super packet of segments of <see cref="SuperPacket.SegmentSize"/> payload bytes, its
    /// checksum partial (see <see cref="TcpCoalescer.Build"/>).
    /// </summary>
    public static void WriteTcpSuper(Span<byte> header, SuperPacket shape)
    {
        WritePartial(header, shape.IpHeaderLength, PartialChecksum.TcpChecksumOffset);
        header[1] = shape.Version == IpVersion.V4 ? GsoTcpV4 : GsoTcpV6;
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)shape.HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)shape.SegmentSize);
    }

    /// <summary>gso_type of a header read from the kernel, without the ECN bit.</summary>
    public static byte GsoType(ReadOnlySpan<byte> header) => (byte)(header[1] & ~GsoEcn);

    /// <summary>gso_size: payload bytes per segment of a super packet.</summary>
    public static int GsoSize(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);

    /// <summary>True when the kernel left the checksum from <see cref="ChecksumStart"/> on to be completed.</summary>
    public static bool ChecksumPending(ReadOnlySpan<byte> header) => (header[0] & NeedsChecksum) != 0;

    public static int ChecksumStart(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);

    public static int ChecksumOffset(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
}
