using System.Buffers.Binary;

namespace MeshActors.Protocol.Routing;

/// <summary>
/// Span-based codec for a batch of <see cref="SeqnoRequest"/>s (layout in Routing/WIRE.md). Same contract as
/// <see cref="RouteUpdateCodec"/>: greedy packing under a payload budget, decoding never throws.
/// </summary>
public static class SeqnoRequestCodec
{
    /// <summary>Seqno (2) + hop count (1) + originator (32) following the prefix.</summary>
    private const int TailSize = 3 + RouterId.Size;

    public const int MaxEntrySize = PrefixWire.FixedSize + 16 + TailSize;

    public const int MinPayload = RoutingBatchHeader.Size + MaxEntrySize;

    private const int MaxCountPerBatch = ushort.MaxValue;

    public static int EntrySize(in SeqnoRequest request) => PrefixWire.Size(request.Prefix) + TailSize;

    /// <summary>Writes the longest leading run of <paramref name="requests"/> that fits; returns how many.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<SeqnoRequest> requests, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < RoutingBatchHeader.Size)
        {
            return 0;
        }

        var offset = RoutingBatchHeader.Size;
        var count = 0;
        while (count < requests.Length && count < MaxCountPerBatch)
        {
            ref readonly var request = ref requests[count];
            if (offset + EntrySize(request) > destination.Length)
            {
                break;
            }

            offset += PrefixWire.Write(destination[offset..], request.Prefix);
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], request.Seqno);
            destination[offset + 2] = request.HopCount;
            request.Originator.WriteTo(destination[(offset + 3)..]);
            offset += TailSize;
            count++;
        }

        if (count == 0)
        {
            return 0;
        }

        RoutingBatchHeader.Write(destination, RoutingBatchHeader.KindSeqnoRequests, count);
        bytesWritten = offset;
        return count;
    }

    public static List<byte[]> EncodeFrames(ReadOnlySpan<SeqnoRequest> requests, int maxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, MinPayload);
        var frames = new List<byte[]>();
        var buffer = new byte[maxPayload];
        while (!requests.IsEmpty)
        {
            var written = Write(buffer, requests, out var size);
            frames.Add(buffer.AsSpan(0, size).ToArray());
            requests = requests[written..];
        }

        return frames;
    }

    public static RoutingDecodeError TryDecode(ReadOnlySpan<byte> payload, List<SeqnoRequest> output)
    {
        var error = RoutingBatchHeader.TryRead(payload, RoutingBatchHeader.KindSeqnoRequests, out var count);
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
            var hopCount = tail[2];
            if (hopCount == 0)
            {
                return RoutingDecodeError.ZeroHopCount;
            }

            output.Add(new SeqnoRequest(prefix, RouterId.Read(tail[3..]), BinaryPrimitives.ReadUInt16BigEndian(tail), hopCount));
            offset += TailSize;
        }

        return offset == payload.Length ? RoutingDecodeError.None : RoutingDecodeError.TrailingBytes;
    }
}
