using System.Buffers.Binary;

namespace MeshActors.Protocol.Frames;

/// <summary>
/// Plaintext of a Hello frame, 12 bytes big-endian: seqno (u16) · interval (u16, centiseconds, as Babel) ·
/// sender timestamp (u64, microseconds on the sender's own clock; the receiver only echoes it back in an IHU).
/// </summary>
public readonly record struct HelloPayload(ushort Seqno, ushort IntervalCentiseconds, ulong SenderTimestampMicros)
{
    public const int Size = 12;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Seqno);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], IntervalCentiseconds);
        BinaryPrimitives.WriteUInt64BigEndian(destination[4..Size], SenderTimestampMicros);
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out HelloPayload hello)
    {
        if (source.Length != Size)
        {
            hello = default;
            return false;
        }

        hello = new HelloPayload(
            BinaryPrimitives.ReadUInt16BigEndian(source),
            BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
            BinaryPrimitives.ReadUInt64BigEndian(source[4..]));
        return true;
    }
}
