using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>How a UDP link cuts a long payload into Segment frames (PROTOCOL.md §2) and what that costs in bytes.</summary>
internal static class SegmentLayout
{
    /// <summary>Bytes a Segment frame adds to its piece: frame header, segment header and tag (37).</summary>
    public const int Overhead = FrameLayout.TransportOverhead + SegmentHeader.Size;

    /// <summary>Room for the Segment frames of the longest payload: the payload plus 64 frames' overhead.</summary>
    public const int MaxDatagramBytes = FrameLayout.MaxPayloadSize + (SegmentHeader.MaxCount * Overhead);

    /// <summary>Largest payload bytes one Segment frame of <paramref name="datagramSize"/> bytes carries.</summary>
    public static int MaxPiece(int datagramSize) => datagramSize - Overhead;
}
