using System.Buffers.Binary;
using MeshActors.Protocol.Frames;

namespace MeshActors.Protocol.Nat;

/// <summary>
/// A hole-punching probe datagram (PROTOCOL.md §8): the frame header with type <see cref="FrameType.Probe"/>,
/// receiver index and counter 0, followed by the attempt's 16-byte token, which the two peers agreed end to end
/// through the mesh, so a probe names its attempt and a stranger cannot fake one without it. Nothing else is in it:
/// the link handshake that follows authenticates the peer.
/// </summary>
public static class ProbeFrame
{
    public const int TokenSize = 16;

    public const int Size = FrameLayout.HeaderSize + TokenSize;

    public static void Write(UInt128 token, Span<byte> frame)
    {
        frame[..FrameLayout.HeaderSize].Clear();
        frame[0] = FrameLayout.Version;
        frame[1] = (byte)FrameType.Probe;
        BinaryPrimitives.WriteUInt128BigEndian(frame[FrameLayout.HeaderSize..Size], token);
    }

    /// <summary>False unless the datagram is exactly a probe: size, version, type and zero header fields.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out UInt128 token)
    {
        token = 0;
        if (frame.Length != Size || frame[0] != FrameLayout.Version || frame[1] != (byte)FrameType.Probe
            || frame[2..FrameLayout.HeaderSize].ContainsAnyExcept((byte)0))
        {
            return false;
        }

        token = BinaryPrimitives.ReadUInt128BigEndian(frame[FrameLayout.HeaderSize..]);
        return true;
    }
}
