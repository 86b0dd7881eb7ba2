using System.Buffers.Binary;

namespace MeshActors.Protocol.Routing;

/// <summary>
/// Span-based codec for a batch of <see cref="RouteUpdate"/>s (layout in Routing/WIRE.md). Encoding packs as
/// many updates as fit a payload budget and splits the rest into further payloads; decoding never throws and
/// allocates at most one list slot per entry actually present in the payload.
/// </summary>
public static class RouteUpdateCodec
{
    /// <summary>Seqno (2) + metric (2) + originator (32) following the prefix.</summary>
    private const int TailSize = 4 + RouterId.Size;

    /// <summary>Largest single entry: an IPv6 /128.</summary>
    public const int MaxEntrySize = PrefixWire.FixedSize + 16 + TailSize;

    /// <summary>Smallest payload that can carry any update.</summary>
    public const int MinPayload = RoutingBatchHeader.Size + MaxEntrySize;

    /// <summary>Largest count the u16 header field can state.</summary>
    private const int MaxCountPerBatch = ushort.MaxValue;

    public static int EntrySize(in RouteUpdate update) => PrefixWire.Size(update.Prefix) + TailSize;

    /// <summary>
    /// Writes a batch holding the longest leading run of <paramref name="updates"/> that fits
    /// <paramref name="destination"/>. Returns how many updates were written (0 when not even one fits) and the
    /// payload size in <paramref name="bytesWritten"/>.
    /// </summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<RouteUpdate> updates, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < RoutingBatchHeader.Size)
        {
            return 0;
        }

        var offset = RoutingBatchHeader.Size;
        var count = 0;
        while (count < updates.Length && count < MaxCountPerBatch)
        {
            ref readonly var update = ref updates[count];
            var size = EntrySize(update);
            if (offset + size > destination.Length)
            {
                break;
            }

            offset += PrefixWire.Write(destination[offset..], update.Prefix);
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], update.Seqno);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], update.Metric);
            update.Originator.WriteTo(destination[(offset + 4)..]);
            offset += TailSize;
            count++;
        }

        if (count == 0)
        {
            return 0;
        }

        RoutingBatchHeader.Write(destination, RoutingBatchHeader.KindRouteUpdates, count);
        bytesWritten = offset;
        return count;
    }

    /// <summary>Encodes all updates into as few payloads of at most <paramref name="maxPayload"/> bytes as possible.</summary>
    public static List<byte[]> EncodeFrames(ReadOnlySpan<RouteUpdate> updates, int maxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, MinPayload);
        var frames = new List<byte[]>();
        var buffer = new byte[maxPayload];
        while (!updates.IsEmpty)
        {
            var written = Write(buffer, updates, out var size);
            frames.Add(buffer.AsSpan(0, size).ToArray());
            updates = updates[written..];
        }

        return frames;
    }

    /// <summary>
    /// Size of the encoding without producing it: (payload count, total bytes) for the same greedy split as
    /// <see cref="EncodeFrames"/>. Lets simulators account traffic cheaply.
    /// </summary>
    public static (int Frames, long Bytes) MeasureFrames(ReadOnlySpan<RouteUpdate> updates, int maxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, MinPayload);
        var frames = 0;
        long bytes = 0;
        var current = 0;
        var inFrame = 0;
        foreach (ref readonly var update in updates)
        {
            var size = EntrySize(update);
            if (current == 0 || current + size > maxPayload || inFrame == MaxCountPerBatch)
            {
                frames++;
                bytes += current;
                current = RoutingBatchHeader.Size;
                inFrame = 0;
            }

            current += size;
            inFrame++;
        }

        return (frames, bytes + current);
    }

    /// <summary>Decodes a whole payload into <paramref name="output"/>; on error the list may hold a partial prefix.</summary>
    public static RoutingDecodeError TryDecode(ReadOnlySpan<byte> payload, List<RouteUpdate> output)
    {
        var error = RoutingBatchHeader.TryRead(payload, RoutingBatchHeader.KindRouteUpdates, out var count);
        if (error != RoutingDecodeError.None)
        {
            return error;
        }

        var offset = RoutingBatchHeader.Size;
        for (var i = 0; i < count; i++)
        {
            error = PrefixWire.TryRead(payload[offset..], out var prefix, out var consumed);
            if (error != RoutingDecodeError.None)
            {
                return error;
            }

            offset += consumed;
            if (payload.Length - offset < TailSize)
            {
                return RoutingDecodeError.Truncated;
            }

            var tail = payload[offset..];
            output.Add(new RouteUpdate(
                prefix,
                BinaryPrimitives.ReadUInt16BigEndian(tail),
                BinaryPrimitives.ReadUInt16BigEndian(tail[2..]),
                RouterId.Read(tail[4..])));
            offset += TailSize;
        }

        return offset == payload.Length ? RoutingDecodeError.None : RoutingDecodeError.TrailingBytes;
    }
}
