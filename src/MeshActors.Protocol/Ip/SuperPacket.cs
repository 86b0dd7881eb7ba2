using System.Buffers.Binary;

namespace MeshActors.Protocol.Ip;

/// <summary>
/// A TCP or UDP super packet as a Linux TUN device with segmentation offload hands it over (TSO, USO): one IPv4 or
/// IPv6 header, one transport header and the payload of many packets, plus the payload size each packet should carry
/// (virtio-net gso_size). <see cref="WriteSegment"/> makes the packets the sending kernel left unmade, each with its
/// own lengths, IPv4 identification, TCP sequence number and flags, and complete checksums, as the kernel's own
/// segmentation would. The checksum fields of the super packet are ignored (the kernel leaves them partial).
/// </summary>
public readonly record struct SuperPacket(IpVersion Version, byte Protocol, int IpHeaderLength, int TransportHeaderLength, int PayloadLength, int SegmentSize)
{
    private const int TcpFlagsOffset = 13;
    private const byte TcpFin = 0x01;
    private const byte TcpPsh = 0x08;
    private const byte TcpCwr = 0x80;
    private const int UdpHeaderSize = 8;

    /// <summary>IP and transport header bytes, copied in front of every segment.</summary>
    public int HeaderLength => IpHeaderLength + TransportHeaderLength;

    /// <summary>How many packets the super packet makes.</summary>
    public int SegmentCount => (PayloadLength + SegmentSize - 1) / SegmentSize;

    /// <summary>Length of the longest segment (all but the last have this length).</summary>
    public int MaxSegmentLength => HeaderLength + Math.Min(SegmentSize, PayloadLength);

    /// <summary>
    /// Reads the shape of a whole IPv4 or IPv6 packet carrying <paramref name="protocol"/> (TCP or UDP) right after its
    /// IP header, to be cut into payloads of <paramref name="segmentSize"/> bytes. False for anything else: other
    /// protocols, IPv6 extension headers, IPv4 fragments, transport headers cut short, no payload, a zero segment size.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, byte protocol, int segmentSize, out SuperPacket shape)
    {
        shape = default;
        var version = IpPacket.TryParse(packet);
        if (version == IpVersion.None
            || segmentSize <= 0
            || protocol is not (PartialChecksum.ProtocolTcp or PartialChecksum.ProtocolUdp)
            || IpPacket.Protocol(packet, version) != protocol
            || IpPacket.IsFragment(packet, version))
        {
            return false;
        }

        var ipHeader = IpPacket.HeaderLength(packet, version);
        var transport = packet[ipHeader..];
        int transportHeader;
        if (protocol == PartialChecksum.ProtocolTcp)
        {
            transportHeader = transport.Length >= 20 ? (transport[12] >> 4) * 4 : 0;
            if (transportHeader < 20 || transportHeader > transport.Length)
            {
                return false;
            }
        }
        else
        {
            transportHeader = UdpHeaderSize;
            if (transport.Length < UdpHeaderSize || BinaryPrimitives.ReadUInt16BigEndian(transport[4..]) != transport.Length)
            {
                return false;
            }
        }

        var payload = transport.Length - transportHeader;
        if (payload == 0)
        {
            return false;
        }

        shape = new SuperPacket(version, protocol, ipHeader, transportHeader, payload, segmentSize);
        return true;
    }

    /// <summary>Length of segment <paramref name="index"/> (0-based, below <see cref="SegmentCount"/>).</summary>
    public int SegmentLength(int index) => HeaderLength + Math.Min(SegmentSize, PayloadLength - (index * SegmentSize));

    /// <summary>
    /// Writes segment <paramref name="index"/> of <paramref name="packet"/> (the super packet this shape was read
    /// from) to the start of <paramref name="destination"/>; returns its length.
    /// </summary>
    public int WriteSegment(ReadOnlySpan<byte> packet, int index, Span<byte> destination)
    {
        if ((uint)index >= (uint)SegmentCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var payloadOffset = index * SegmentSize;
        var payloadLength = Math.Min(SegmentSize, PayloadLength - payloadOffset);
        var length = HeaderLength + payloadLength;
        if (destination.Length < length)
        {
            throw new ArgumentException($"segment {index} needs {length} bytes, the destination holds {destination.Length}", nameof(destination));
        }

        var segment = destination[..length];
        packet[..HeaderLength].CopyTo(segment);
        packet.Slice(HeaderLength + payloadOffset, payloadLength).CopyTo(segment[HeaderLength..]);

        if (Version == IpVersion.V4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment[2..], (ushort)length);
            var id = BinaryPrimitives.ReadUInt16BigEndian(segment[4..]);
            BinaryPrimitives.WriteUInt16BigEndian(segment[4..], unchecked((ushort)(id + index)));
            segment.Slice(10, 2).Clear();
            BinaryPrimitives.WriteUInt16BigEndian(segment[10..], InternetChecksum.Finish(InternetChecksum.Add(0, segment[..IpHeaderLength])));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)(length - IpHeaderLength));
        }

        var transport = segment[IpHeaderLength..];
        int checksumOffset;
        if (Protocol == PartialChecksum.ProtocolTcp)
        {
            var sequence = BinaryPrimitives.ReadUInt32BigEndian(transport[4..]);
            BinaryPrimitives.WriteUInt32BigEndian(transport[4..], unchecked(sequence + (uint)payloadOffset));
            if (index < SegmentCount - 1)
            {
                transport[TcpFlagsOffset] &= unchecked((byte)~(TcpFin | TcpPsh));
            }

            if (index > 0)
            {
                transport[TcpFlagsOffset] &= unchecked((byte)~TcpCwr);
            }

            checksumOffset = PartialChecksum.TcpChecksumOffset;
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(transport[4..], (ushort)transport.Length);
            checksumOffset = PartialChecksum.UdpChecksumOffset;
        }

        BinaryPrimitives.WriteUInt16BigEndian(
            transport[checksumOffset..], (ushort)InternetChecksum.TransportPseudoHeader(segment, Version, Protocol, transport.Length));
        PartialChecksum.TryComplete(segment, IpHeaderLength, checksumOffset);
        return length;
    }
}
