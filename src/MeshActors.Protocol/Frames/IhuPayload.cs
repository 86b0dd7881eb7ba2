using System.Buffers.Binary;

namespace MeshActors.Protocol.Frames;

/// <summary>
/// Plaintext of an IHU ("I heard you") frame, 16 bytes big-endian: echoed hello timestamp (u64, the sender's
/// microseconds, returned untouched) · hold delay (u32, microseconds between receiving that Hello and sending this
/// IHU) · hellos received (u16) and expected (u16) in the receiver's recent window.
/// The Hello's sender computes RTT = now − echoed − hold delay on its own clock, so no clock sync is needed.
/// </summary>
public readonly record struct IhuPayload(ulong EchoedTimestampMicros, uint HoldDelayMicros, ushort HellosReceived, ushort HellosExpected)
{
    public const int Size = 16;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, EchoedTimestampMicros);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], HoldDelayMicros);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], HellosReceived);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..Size], HellosExpected);
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out IhuPayload ihu)
    {
        if (source.Length != Size)
        {
            ihu = default;
            return false;
        }

        ihu = new IhuPayload(
            BinaryPrimitives.ReadUInt64BigEndian(source),
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(source[12..]),
            BinaryPrimitives.ReadUInt16BigEndian(source[14..]));
        return true;
    }
}
