using MeshActors.DataPlane.Buffers;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// Puts the opened Segment frames of one link back together into one pooled buffer (PROTOCOL.md §2). Reader thread
/// only, except <see cref="Release"/>, which the link's loop calls once when the link ends.
/// <para>One payload at a time: the pieces of a payload carry consecutive counters of one session, so
/// <c>counter − index</c> names it. A piece of another payload abandons the one under way (counted as
/// <see cref="LinkDrop.SegmentLost"/>: a piece was lost or came late), so a link holds at most one pool buffer here.
/// Only authenticated, not replayed frames get here: a forged or replayed piece never reaches the buffer.</para>
/// </summary>
internal sealed class SegmentReassembly
{
    private PacketBuffer? _buffer;
    private int _released;
    private uint _session;
    private ulong _base;
    private FrameType _type;
    private int _count;
    private int _total;
    private ulong _missing;

    /// <summary>
    /// Takes one opened Segment payload that arrived under session <paramref name="sessionIndex"/> with
    /// <paramref name="counter"/>. Returns the whole payload once its last piece came (at
    /// <see cref="BufferLayout.PayloadOffset"/>, the caller owns the buffer), else null. Refusals are counted.
    /// </summary>
    public PacketBuffer? Add(uint sessionIndex, ulong counter, ReadOnlySpan<byte> payload, BufferPool pool, LinkStats stats, out FrameType type)
    {
        if (!SegmentHeader.TryRead(payload, out type, out var index, out var count, out var total) || counter < (ulong)index)
        {
            stats.Drop(LinkDrop.SegmentInvalid);
            return null;
        }

        if (total > pool.BufferSize - BufferLayout.PayloadOffset - FrameLayout.TagSize)
        {
            stats.Drop(LinkDrop.TooBig);
            return null;
        }

        var payloadBase = counter - (ulong)index;
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null && (sessionIndex != _session || payloadBase != _base || type != _type || count != _count || total != _total))
        {
            stats.Drop(LinkDrop.SegmentLost);
            buffer.Return();
            buffer = null;
        }

        if (buffer is null)
        {
            if (!pool.TryRent(out buffer))
            {
                stats.Drop(LinkDrop.PoolExhausted);
                return null;
            }

            buffer.Set(BufferLayout.PayloadOffset, total);
            (_session, _base, _type, _count, _total) = (sessionIndex, payloadBase, type, count, total);
            _missing = count == SegmentHeader.MaxCount ? ulong.MaxValue : (1UL << count) - 1;
        }

        var piece = payload[SegmentHeader.Size..];
        piece.CopyTo(buffer.Array.AsSpan(BufferLayout.PayloadOffset + SegmentHeader.Offset(total, count, index)));
        _missing &= ~(1UL << index);
        if (_missing == 0)
        {
            return buffer;
        }

        // Put back with a full fence before looking at _released, so a Release running meanwhile either sees the
        // buffer or is seen here: it is returned exactly once either way.
        Interlocked.Exchange(ref _buffer, buffer);
        if (Volatile.Read(ref _released) != 0)
        {
            Interlocked.Exchange(ref _buffer, null)?.Return();
        }

        return null;
    }

    /// <summary>The link ended: a payload under way is given up and its buffer returned.</summary>
    public void Release()
    {
        Interlocked.Exchange(ref _released, 1);
        Interlocked.Exchange(ref _buffer, null)?.Return();
    }
}
