namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// The first bytes of the IP packets this node sealed most recently, each under the fields that name its payload
/// (destination, epoch, counter), so that a relay's hop-limit notice can be answered with an ICMP Time Exceeded
/// quoting the packet. A fixed ring, overwritten in turn: an old or unknown payload simply finds nothing.
/// <para>Threads: <see cref="Record"/> from the TUN reader only; <see cref="TryFind"/> from any link reader. Each slot
/// carries a version that is odd while it is written, so a reader never uses a torn slot. No allocation after
/// construction.</para>
/// </summary>
internal sealed class RecentPacketHeads
{
    /// <summary>Bytes kept per packet: an IPv6 header and 56 bytes after it, or an IPv4 header with options and 36.</summary>
    public const int HeadSize = 96;

    private const int Capacity = 1024;

    private readonly Slot[] _slots = new Slot[Capacity];

    public RecentPacketHeads()
    {
        for (var i = 0; i < Capacity; i++)
        {
            _slots[i] = new Slot();
        }
    }

    public void Record(ReadOnlySpan<byte> destination, ulong epoch, ulong counter, ReadOnlySpan<byte> packet)
    {
        var slot = _slots[(int)(counter % Capacity)];
        Interlocked.Increment(ref slot.Version);
        destination.CopyTo(slot.Destination);
        slot.Epoch = epoch;
        slot.Counter = counter;
        var length = Math.Min(packet.Length, HeadSize);
        packet[..length].CopyTo(slot.Head);
        slot.Length = length;
        Interlocked.Increment(ref slot.Version);
    }

    /// <summary>Copies the head recorded for this payload into <paramref name="head"/> (at least <see cref="HeadSize"/> bytes).</summary>
    public bool TryFind(ReadOnlySpan<byte> destination, ulong epoch, ulong counter, Span<byte> head, out int length)
    {
        var slot = _slots[(int)(counter % Capacity)];
        var version = Volatile.Read(ref slot.Version);
        length = slot.Length;
        var matches = (version & 1) == 0
            && slot.Epoch == epoch
            && slot.Counter == counter
            && destination.SequenceEqual(slot.Destination)
            && length <= HeadSize;
        if (matches)
        {
            slot.Head.AsSpan(0, length).CopyTo(head);
        }

        // Read the version again after the copy: a writer in between means the copy may be torn.
        if (!matches || Volatile.Read(ref slot.Version) != version)
        {
            length = 0;
            return false;
        }

        return true;
    }

    private sealed class Slot
    {
        public readonly byte[] Destination = new byte[16];
        public readonly byte[] Head = new byte[HeadSize];
        public int Version;
        public ulong Epoch;
        public ulong Counter;
        public int Length;
    }
}
