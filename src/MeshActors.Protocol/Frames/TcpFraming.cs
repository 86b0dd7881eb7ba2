using System.Buffers.Binary;

namespace MeshActors.Protocol.Frames;

/// <summary>
/// Frames on a byte stream (TCP): each link frame is preceded by its length as a big-endian u16. Lengths below
/// <see cref="FrameLayout.HeaderSize"/> or above <see cref="FrameLayout.MaxFrameSize"/> are protocol violations.
/// </summary>
public static class TcpFraming
{
    /// <summary>Length prefix size in bytes; a u16 covers <see cref="FrameLayout.MaxFrameSize"/>.</summary>
    public const int PrefixSize = 2;

    /// <summary>Writes the prefix for a frame of <paramref name="frameLength"/> bytes; false when that length is not allowed.</summary>
    public static bool TryWritePrefix(Span<byte> destination, int frameLength)
    {
        if (destination.Length < PrefixSize || frameLength is < FrameLayout.HeaderSize or > FrameLayout.MaxFrameSize)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)frameLength);
        return true;
    }
}
