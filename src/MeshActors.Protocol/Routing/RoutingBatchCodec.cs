namespace MeshActors.Protocol.Routing;

/// <summary>
/// The one codec of routing batches (layout in Routing/WIRE.md): a <see cref="RoutingBatchHeader"/>, then entries of
/// a prefix and a kind-specific tail (<typeparamref name="TFormat"/>). Encoding packs as many entries as fit a payload
/// budget and splits the rest into further payloads; decoding never throws and allocates at most one list slot per
/// entry actually present in the payload.
/// </summary>
internal static class RoutingBatchCodec<TEntry, TFormat>
    where TFormat : IRoutingEntryFormat<TEntry>
{
    /// <summary>Largest count the u16 header field can state.</summary>
    private const int MaxCountPerBatch = ushort.MaxValue;

    /// <summary>Largest single entry: an IPv6 /128 prefix and the tail.</summary>
    public static int MaxEntrySize => PrefixWire.FixedSize + 16 + TFormat.TailSize;

    public static int EntrySize(in TEntry entry) => PrefixWire.Size(TFormat.PrefixOf(entry)) + TFormat.TailSize;

    /// <summary>
    /// Writes a batch holding the longest leading run of <paramref name="entries"/> that fits
    /// <paramref name="destination"/>. Returns how many were written (0 when not even one fits) and the payload size
    /// in <paramref name="bytesWritten"/>.
    /// </summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<TEntry> entries, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < RoutingBatchHeader.Size)
        {
            return 0;
        }

        var offset = RoutingBatchHeader.Size;
        var count = 0;
        while (count < entries.Length && count < MaxCountPerBatch)
        {
            ref readonly var entry = ref entries[count];
            if (offset + EntrySize(entry) > destination.Length)
            {
                break;
            }

            offset += PrefixWire.Write(destination[offset..], TFormat.PrefixOf(entry));
            TFormat.WriteTail(destination[offset..], entry);
            offset += TFormat.TailSize;
            count++;
        }

        if (count == 0)
        {
            return 0;
        }

        RoutingBatchHeader.Write(destination, TFormat.Kind, count);
        bytesWritten = offset;
        return count;
    }

    /// <summary>Encodes all entries into as few payloads of at most <paramref name="maxPayload"/> bytes as possible.</summary>
    public static List<byte[]> EncodeFrames(ReadOnlySpan<TEntry> entries, int maxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, RoutingBatchHeader.Size + MaxEntrySize);
        var frames = new List<byte[]>();
        var buffer = new byte[maxPayload];
        while (!entries.IsEmpty)
        {
            var written = Write(buffer, entries, out var size);
            frames.Add(buffer.AsSpan(0, size).ToArray());
            entries = entries[written..];
        }

        return frames;
    }

    /// <summary>
    /// Size of the encoding without producing it: (payload count, total bytes) for the same greedy split as
    /// <see cref="EncodeFrames"/>. Lets simulators account traffic cheaply.
    /// </summary>
    public static (int Frames, long Bytes) MeasureFrames(ReadOnlySpan<TEntry> entries, int maxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, RoutingBatchHeader.Size + MaxEntrySize);
        var frames = 0;
        long bytes = 0;
        var current = 0;
        var inFrame = 0;
        foreach (ref readonly var entry in entries)
        {
            var size = EntrySize(entry);
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
    public static RoutingDecodeError TryDecode(ReadOnlySpan<byte> payload, List<TEntry> output)
    {
        var error = RoutingBatchHeader.TryRead(payload, TFormat.Kind, out var count);
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
            if (payload.Length - offset < TFormat.TailSize)
            {
                return RoutingDecodeError.Truncated;
            }

            error = TFormat.TryReadTail(prefix, payload[offset..], out var entry);
            if (error != RoutingDecodeError.None)
            {
                return error;
            }

            output.Add(entry);
            offset += TFormat.TailSize;
        }

        return offset == payload.Length ? RoutingDecodeError.None : RoutingDecodeError.TrailingBytes;
    }
}
