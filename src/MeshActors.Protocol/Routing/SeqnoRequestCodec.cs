using System.Buffers.Binary;

namespace MeshActors.Protocol.Routing;

/// <summary>
/// Batches of <see cref="SeqnoRequest"/>s (layout in Routing/WIRE.md) through the one routing batch codec
/// (<see cref="RoutingBatchCodec{TEntry, TFormat}"/>), as <see cref="RouteUpdateCodec"/>; a hop count of 0 is refused.
/// </summary>
public static class SeqnoRequestCodec
{
    /// <summary>Seqno (2) + hop count (1) + originator (32) following the prefix.</summary>
    private const int TailSize = 3 + RouterId.Size;

    public const int MaxEntrySize = PrefixWire.FixedSize + 16 + TailSize;

    public const int MinPayload = RoutingBatchHeader.Size + MaxEntrySize;

    public static int EntrySize(in SeqnoRequest request) => RoutingBatchCodec<SeqnoRequest, Format>.EntrySize(request);

    /// <summary>Writes the longest leading run of <paramref name="requests"/> that fits; returns how many.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<SeqnoRequest> requests, out int bytesWritten) =>
        RoutingBatchCodec<SeqnoRequest, Format>.Write(destination, requests, out bytesWritten);

    public static List<byte[]> EncodeFrames(ReadOnlySpan<SeqnoRequest> requests, int maxPayload) =>
        RoutingBatchCodec<SeqnoRequest, Format>.EncodeFrames(requests, maxPayload);

    public static RoutingDecodeError TryDecode(ReadOnlySpan<byte> payload, List<SeqnoRequest> output) =>
        RoutingBatchCodec<SeqnoRequest, Format>.TryDecode(payload, output);

    internal readonly struct Format : IRoutingEntryFormat<SeqnoRequest>
    {
        public static byte Kind => ControlKinds.SeqnoRequests;

        public static int TailSize => SeqnoRequestCodec.TailSize;

        public static RoutePrefix PrefixOf(in SeqnoRequest entry) => entry.Prefix;

        public static void WriteTail(Span<byte> tail, in SeqnoRequest entry)
        {
            BinaryPrimitives.WriteUInt16BigEndian(tail, entry.Seqno);
            tail[2] = entry.HopCount;
            entry.Originator.WriteTo(tail[3..]);
        }

        public static RoutingDecodeError TryReadTail(RoutePrefix prefix, ReadOnlySpan<byte> tail, out SeqnoRequest entry)
        {
            entry = default;
            var hopCount = tail[2];
            if (hopCount == 0)
            {
                return RoutingDecodeError.ZeroHopCount;
            }

            entry = new SeqnoRequest(prefix, RouterId.Read(tail[3..]), BinaryPrimitives.ReadUInt16BigEndian(tail), hopCount);
            return RoutingDecodeError.None;
        }
    }
}
