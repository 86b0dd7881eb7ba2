using System.Buffers.Binary;

namespace MeshActors.Protocol.Routing;

/// <summary>
/// Batches of <see cref="RouteUpdate"/>s (layout in Routing/WIRE.md) through the one routing batch codec
/// (<see cref="RoutingBatchCodec{TEntry, TFormat}"/>): greedy packing under a payload budget, decoding never throws.
/// </summary>
public static class RouteUpdateCodec
{
    /// <summary>Seqno (2) + metric (2) + originator (32) following the prefix.</summary>
    private const int TailSize = 4 + RouterId.Size;

    /// <summary>Largest single entry: an IPv6 /128.</summary>
    public const int MaxEntrySize = PrefixWire.FixedSize + 16 + TailSize;

    /// <summary>Smallest payload that can carry any update.</summary>
    public const int MinPayload = RoutingBatchHeader.Size + MaxEntrySize;

    public static int EntrySize(in RouteUpdate update) => RoutingBatchCodec<RouteUpdate, Format>.EntrySize(update);

    /// <summary>Writes the longest leading run of <paramref name="updates"/> that fits; returns how many (0: not even one).</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<RouteUpdate> updates, out int bytesWritten) =>
        RoutingBatchCodec<RouteUpdate, Format>.Write(destination, updates, out bytesWritten);

    /// <summary>Encodes all updates into as few payloads of at most <paramref name="maxPayload"/> bytes as possible.</summary>
    public static List<byte[]> EncodeFrames(ReadOnlySpan<RouteUpdate> updates, int maxPayload) =>
        RoutingBatchCodec<RouteUpdate, Format>.EncodeFrames(updates, maxPayload);

    /// <summary>(payload count, total bytes) of <see cref="EncodeFrames"/> without encoding.</summary>
    public static (int Frames, long Bytes) MeasureFrames(ReadOnlySpan<RouteUpdate> updates, int maxPayload) =>
        RoutingBatchCodec<RouteUpdate, Format>.MeasureFrames(updates, maxPayload);

    /// <summary>Decodes a whole payload into <paramref name="output"/>; on error the list may hold a partial prefix.</summary>
    public static RoutingDecodeError TryDecode(ReadOnlySpan<byte> payload, List<RouteUpdate> output) =>
        RoutingBatchCodec<RouteUpdate, Format>.TryDecode(payload, output);

    internal readonly struct Format : IRoutingEntryFormat<RouteUpdate>
    {
        public static byte Kind => ControlKinds.RouteUpdates;

        public static int TailSize => RouteUpdateCodec.TailSize;

        public static RoutePrefix PrefixOf(in RouteUpdate entry) => entry.Prefix;

        public static void WriteTail(Span<byte> tail, in RouteUpdate entry)
        {
            BinaryPrimitives.WriteUInt16BigEndian(tail, entry.Seqno);
            BinaryPrimitives.WriteUInt16BigEndian(tail[2..], entry.Metric);
            entry.Originator.WriteTo(tail[4..]);
        }

        public static RoutingDecodeError TryReadTail(RoutePrefix prefix, ReadOnlySpan<byte> tail, out RouteUpdate entry)
        {
            entry = new RouteUpdate(
                prefix, BinaryPrimitives.ReadUInt16BigEndian(tail), BinaryPrimitives.ReadUInt16BigEndian(tail[2..]), RouterId.Read(tail[4..]));
            return RoutingDecodeError.None;
        }
    }
}
