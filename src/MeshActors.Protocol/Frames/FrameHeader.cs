using System.Buffers.Binary;

namespace MeshActors.Protocol.Frames;

/// <summary>
/// The 11-byte header in front of every link frame, all integers big-endian:
/// version (u8) · type (u8) · flags (u8) · receiver index (u32) · counter (u32).
/// </summary>
/// <param name="ReceiverIndex">The session index the receiver chose, so one socket can demultiplex many peers.</param>
/// <param name="Counter">Per-direction message number, the AEAD nonce of transport frames; zero on handshake frames.
/// 32 bits on the wire: a session never uses one at or above <c>SessionLimits.RejectAfterMessages</c> (2^26).</param>
public readonly record struct FrameHeader(FrameType Type, byte Flags, uint ReceiverIndex, ulong Counter)
{
    /// <summary>Writes the header into the first <see cref="FrameLayout.HeaderSize"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        var header = destination[..FrameLayout.HeaderSize];
        header[FrameLayout.VersionOffset] = FrameLayout.Version;
        header[FrameLayout.TypeOffset] = (byte)Type;
        header[FrameLayout.FlagsOffset] = Flags;
        BinaryPrimitives.WriteUInt32BigEndian(header[FrameLayout.ReceiverIndexOffset..], ReceiverIndex);
        BinaryPrimitives.WriteUInt32BigEndian(header[FrameLayout.CounterOffset..], checked((uint)Counter));
    }

    /// <summary>The receiver index of a frame at least <see cref="FrameLayout.HeaderSize"/> long, read without parsing the rest.</summary>
    public static uint ReceiverIndexOf(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt32BigEndian(frame[FrameLayout.ReceiverIndexOffset..]);

    /// <summary>Reads the fields without validating them; <see cref="FrameCodec.TryParse"/> validates.</summary>
    internal static FrameHeader ReadUnchecked(ReadOnlySpan<byte> source) => new(
        (FrameType)source[FrameLayout.TypeOffset],
        source[FrameLayout.FlagsOffset],
        BinaryPrimitives.ReadUInt32BigEndian(source[FrameLayout.ReceiverIndexOffset..]),
        BinaryPrimitives.ReadUInt32BigEndian(source[FrameLayout.CounterOffset..]));
}
