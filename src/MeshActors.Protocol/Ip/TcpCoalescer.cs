using System.Buffers.Binary;

namespace MeshActors.Protocol.Ip;

/// <summary>
/// GRO for a batch of packets about to be written to a TUN device that takes super packets (Linux virtio-net TSO):
/// runs of TCP segments of one flow that continue each other become one super packet, which the receiving kernel
/// takes in one pass as if its own GRO had merged them. A segment joins its flow's run when it starts where the run
/// ends and carries the same acknowledgement, window, TCP options and IP header fields, has ACK and at most PSH set
/// (PSH ends the run), and no more payload than the run's first segment (a shorter one ends the run). Packets of other
/// flows may lie between; a packet of the flow that cannot join ends the run, so nothing is reordered within a flow.
/// </summary>
/// <remarks>One per TUN writer thread; allocates only in the constructor.</remarks>
public sealed class TcpCoalescer
{
    /// <summary>Longest super packet built: the IPv4 total-length limit, kept for IPv6 too.</summary>
    public const int MaxSuperPacket = 65_535;

    private const int TcpFlagsOffset = 13;
    private const byte TcpPsh = 0x08;
    private const byte TcpAck = 0x10;

    private readonly int[] _next;
    private readonly bool[] _absorbed;
    private readonly Run[] _runs;
    private int _runCount;

    /// <param name="maxBatch">Most packets one <see cref="Plan"/> call is given.</param>
    /// <param name="maxFlows">Flows followed at once within a batch; packets of further flows are left as they are.</param>
    public TcpCoalescer(int maxBatch, int maxFlows = 16)
    {
        _next = new int[maxBatch];
        _absorbed = new bool[maxBatch];
        _runs = new Run[maxFlows];
    }

    /// <summary>Decides which packets of <paramref name="packets"/> join an earlier one; read the plan with
    /// <see cref="IsAbsorbed"/> and <see cref="HasFollowers"/>, build with <see cref="Build"/>.</summary>
    public void Plan(ReadOnlySpan<Memory<byte>> packets)
    {
        if (packets.Length > _next.Length)
        {
            throw new ArgumentException($"at most {_next.Length} packets per batch", nameof(packets));
        }

        _runCount = 0;
        for (var i = 0; i < packets.Length; i++)
        {
            _next[i] = -1;
            _absorbed[i] = false;
            var packet = packets[i].Span;
            if (!TcpSegment.TryRead(packet, out var segment))
            {
                continue;
            }

            var run = FindRun(packets, packet, segment);
            if (run >= 0 && TryJoin(ref _runs[run], packets[_runs[run].Head].Span, packet, segment, i))
            {
                continue;
            }

            if (CanLead(packet, segment))
            {
                var slot = run >= 0 ? run : _runCount < _runs.Length ? _runCount++ : -1;
                if (slot >= 0)
                {
                    _runs[slot] = new Run(i, segment);
                }
            }
            else if (run >= 0)
            {
                _runs[run] = _runs[--_runCount];
            }
        }
    }

    /// <summary>True when packet <paramref name="index"/> is carried inside an earlier packet's super packet.</summary>
    public bool IsAbsorbed(int index) => _absorbed[index];

    /// <summary>True when packet <paramref name="index"/> heads a super packet of two or more segments.</summary>
    public bool HasFollowers(int index) => _next[index] >= 0;

    /// <summary>The packet after <paramref name="index"/> in its super packet, or -1 after the last.</summary>
    public int NextInRun(int index) => _next[index];

    /// <summary>
    /// Writes the super packet headed by packet <paramref name="head"/> to <paramref name="destination"/> (at least
    /// <see cref="MaxSuperPacket"/> bytes): the head's headers with the lengths of the whole, its TCP checksum left
    /// partial (<see cref="PartialChecksum"/>), PSH if the last segment had it, and every segment's payload in order.
    /// Returns its length; <paramref name="shape"/> gives the segment size and <paramref name="segments"/> the count.
    /// </summary>
    public int Build(ReadOnlySpan<Memory<byte>> packets, int head, Span<byte> destination, out SuperPacket shape, out int segments)
    {
        var first = packets[head].Span;
        TcpSegment.TryRead(first, out var segment);
        first.CopyTo(destination);
        var length = first.Length;
        segments = 1;
        byte push = 0;
        for (var member = _next[head]; member >= 0; member = _next[member])
        {
            var payload = packets[member].Span[segment.HeaderLength..];
            payload.CopyTo(destination[length..]);
            length += payload.Length;
            push |= (byte)(packets[member].Span[segment.IpHeaderLength + TcpFlagsOffset] & TcpPsh);
            segments++;
        }

        var whole = destination[..length];
        if (segment.Version == IpVersion.V4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(whole[2..], (ushort)length);
            whole.Slice(10, 2).Clear();
            BinaryPrimitives.WriteUInt16BigEndian(whole[10..], InternetChecksum.Finish(InternetChecksum.Add(0, whole[..segment.IpHeaderLength])));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(whole[4..], (ushort)(length - segment.IpHeaderLength));
        }

        whole[segment.IpHeaderLength + TcpFlagsOffset] |= push;
        PartialChecksum.TryMark(whole, out _, out _);
        shape = new SuperPacket(
            segment.Version, PartialChecksum.ProtocolTcp, segment.IpHeaderLength, segment.HeaderLength - segment.IpHeaderLength,
            length - segment.HeaderLength, segment.PayloadLength);
        return length;
    }

    private static bool CanLead(ReadOnlySpan<byte> packet, TcpSegment segment) =>
        segment.PayloadLength > 0 && packet[segment.IpHeaderLength + TcpFlagsOffset] == TcpAck;

    private int FindRun(ReadOnlySpan<Memory<byte>> packets, ReadOnlySpan<byte> packet, TcpSegment segment)
    {
        var version = segment.Version;
        var ports = packet.Slice(segment.IpHeaderLength, 4);
        for (var r = 0; r < _runCount; r++)
        {
            var head = packets[_runs[r].Head].Span;
            if (head[0] >> 4 == (int)version
                && IpPacket.Source(head, version).SequenceEqual(IpPacket.Source(packet, version))
                && IpPacket.Destination(head, version).SequenceEqual(IpPacket.Destination(packet, version))
                && head.Slice(_runs[r].IpHeaderLength, 4).SequenceEqual(ports))
            {
                return r;
            }
        }

        return -1;
    }

    private bool TryJoin(ref Run run, ReadOnlySpan<byte> head, ReadOnlySpan<byte> packet, TcpSegment segment, int index)
    {
        var ip = segment.IpHeaderLength;
        var flags = packet[ip + TcpFlagsOffset];
        if (run.Closed
            || segment.HeaderLength != run.HeaderLength
            || ip != run.IpHeaderLength
            || (flags & ~TcpPsh) != TcpAck
            || segment.PayloadLength == 0
            || segment.PayloadLength > run.SegmentSize
            || run.Length + segment.PayloadLength > MaxSuperPacket
            || BinaryPrimitives.ReadUInt32BigEndian(packet[(ip + 4)..]) != run.NextSequence
            || !SameIpFields(head, packet, segment.Version)
            || !head.Slice(ip + 8, 4).SequenceEqual(packet.Slice(ip + 8, 4))
            || !head.Slice(ip + 14, 2).SequenceEqual(packet.Slice(ip + 14, 2))
            || !head.Slice(ip + 20, segment.HeaderLength - ip - 20).SequenceEqual(packet.Slice(ip + 20, segment.HeaderLength - ip - 20)))
        {
            return false;
        }

        _next[run.Tail] = index;
        _absorbed[index] = true;
        run.Tail = index;
        run.NextSequence = unchecked(run.NextSequence + (uint)segment.PayloadLength);
        run.Length += segment.PayloadLength;
        run.Closed = segment.PayloadLength < run.SegmentSize || (flags & TcpPsh) != 0;
        return true;
    }

    /// <summary>IPv4: type of service, time to live and the DF bit; IPv6: traffic class, flow label and hop limit.</summary>
    private static bool SameIpFields(ReadOnlySpan<byte> head, ReadOnlySpan<byte> packet, IpVersion version) =>
        version == IpVersion.V4
            ? head[1] == packet[1] && head[8] == packet[8] && head[6] == packet[6]
            : head[..4].SequenceEqual(packet[..4]) && head[7] == packet[7];

    private struct Run(int head, TcpSegment segment)
    {
        public readonly int Head = head;
        public readonly int IpHeaderLength = segment.IpHeaderLength;
        public readonly int HeaderLength = segment.HeaderLength;
        public readonly int SegmentSize = segment.PayloadLength;
        public int Tail = head;
        public uint NextSequence = unchecked(segment.Sequence + (uint)segment.PayloadLength);
        public int Length = segment.HeaderLength + segment.PayloadLength;
        public bool Closed;
    }

    /// <summary>The parts of a whole, unfragmented TCP packet the coalescer compares.</summary>
    private readonly record struct TcpSegment(IpVersion Version, int IpHeaderLength, int HeaderLength, int PayloadLength, uint Sequence)
    {
        public static bool TryRead(ReadOnlySpan<byte> packet, out TcpSegment segment)
        {
            segment = default;
            var version = IpPacket.TryParse(packet);
            if (version == IpVersion.None
                || IpPacket.Protocol(packet, version) != PartialChecksum.ProtocolTcp
                || IpPacket.IsFragment(packet, version))
            {
                return false;
            }

            var ip = IpPacket.HeaderLength(packet, version);
            if (packet.Length - ip < 20)
            {
                return false;
            }

            var header = ip + ((packet[ip + 12] >> 4) * 4);
            if (header < ip + 20 || header > packet.Length)
            {
                return false;
            }

            segment = new TcpSegment(version, ip, header, packet.Length - header, BinaryPrimitives.ReadUInt32BigEndian(packet[(ip + 4)..]));
            return true;
        }
    }
}
