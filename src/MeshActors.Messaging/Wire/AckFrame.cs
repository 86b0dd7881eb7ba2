using System.Buffers.Binary;

namespace MeshActors.Messaging.Wire;

/// <summary>
/// A decoded ack: either "complete" (every chunk arrived, no ranges) or a list of received ranges, read lazily
/// from the frame bytes so decoding allocates nothing.
/// </summary>
public readonly ref struct AckFrame
{
    private readonly ReadOnlySpan<byte> _ranges;

    public AckFrame(ulong messageId, bool complete, ReadOnlySpan<byte> ranges)
    {
        MessageId = messageId;
        Complete = complete;
        _ranges = ranges;
    }

    public ulong MessageId { get; }

    public bool Complete { get; }

    public int RangeCount => _ranges.Length / BusFrameLayout.AckRangeSize;

    /// <summary>Range <paramref name="i"/>: first chunk index and number of chunks (≥ 1, checked at decode).</summary>
    public (uint First, uint Length) GetRange(int i)
    {
        var range = _ranges.Slice(i * BusFrameLayout.AckRangeSize, BusFrameLayout.AckRangeSize);
        return (BinaryPrimitives.ReadUInt32BigEndian(range), BinaryPrimitives.ReadUInt32BigEndian(range[4..]));
    }
}
