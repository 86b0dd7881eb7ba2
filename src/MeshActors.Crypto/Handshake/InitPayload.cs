using System.Buffers.Binary;

namespace MeshActors.Crypto.Handshake;

/// <summary>
/// The initiation's encrypted payload (12 bytes, big-endian): timestamp (u64) · capabilities (u32).
/// The timestamp is the initiator's wall clock in Unix milliseconds, passed in; a responder accepts an initiation only
/// if its timestamp is greater than the last one it accepted from the same identity (WireGuard's TAI64N rule), so a
/// captured initiation cannot be replayed to reset a live session. Wall-clock time is used because it keeps
/// increasing across restarts of the initiator.
/// </summary>
internal readonly record struct InitPayload(ulong Timestamp, LinkCapabilities Capabilities)
{
    public const int Size = MeshActors.Protocol.Frames.HandshakeLayout.InitPayloadSize;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..Size], (uint)Capabilities);
    }

    public static InitPayload Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64BigEndian(source),
        (LinkCapabilities)BinaryPrimitives.ReadUInt32BigEndian(source[8..Size]));
}
