using System.Buffers.Binary;
using MeshActors.Protocol.Ip;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// A 64-bit hash of a packet's flow: source and destination address, protocol, and for TCP, UDP and SCTP the two
/// ports, so every packet of one connection hashes alike and picks the same exit. A fragmented IPv4 packet hashes
/// without ports (later fragments carry none), so all fragments of one datagram stay together. Allocation-free.
/// </summary>
public static class FlowHash
{
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const byte Sctp = 132;

    /// <summary>IPv4 flags and fragment offset: "more fragments" and the 13-bit offset.</summary>
    private const ushort FragmentBits = 0x3fff;

    /// <param name="packet">A packet <see cref="IpPacket.TryParse"/> accepted as <paramref name="version"/>.</param>
    public static ulong Of(ReadOnlySpan<byte> packet, IpVersion version)
    {
        var protocol = IpPacket.Protocol(packet, version);
        var headerLength = IpPacket.HeaderLength(packet, version);
        var fragmented = version == IpVersion.V4 && (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & FragmentBits) != 0;
        var ports = !fragmented && protocol is Tcp or Udp or Sctp && packet.Length >= headerLength + 4
            ? BinaryPrimitives.ReadUInt32BigEndian(packet[headerLength..])
            : 0u;

        var hash = Mix(((ulong)protocol << 32) | ports);
        hash = Fold(hash, IpPacket.Source(packet, version));
        return Fold(hash, IpPacket.Destination(packet, version));
    }

    /// <summary>SplitMix64's finalizer: spreads a 64-bit input uniformly (the same mix as route flow selection).</summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }

    /// <summary>Folds an address (4 or 16 bytes) into the hash 4 or 8 bytes at a time.</summary>
    private static ulong Fold(ulong hash, ReadOnlySpan<byte> address)
    {
        if (address.Length == 4)
        {
            return Mix(hash ^ BinaryPrimitives.ReadUInt32BigEndian(address));
        }

        hash = Mix(hash ^ BinaryPrimitives.ReadUInt64BigEndian(address));
        return Mix(hash ^ BinaryPrimitives.ReadUInt64BigEndian(address[8..]));
    }
}
