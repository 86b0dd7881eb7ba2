namespace MeshActors.Protocol.Frames;

/// <summary>Why a link is closed; the one-byte plaintext of a Close frame. Unknown values are read as <see cref="Unspecified"/>.</summary>
public enum CloseReason : byte
{
    Unspecified = 0,
    Shutdown = 1,
    Rekeyed = 2,
    Refused = 3,
    Idle = 4,

    /// <summary>Another link to the same peer was kept (the one initiated by the smaller public key).</summary>
    Duplicate = 5,
}

public static class ClosePayload
{
    public const int Size = 1;

    public static void Write(Span<byte> destination, CloseReason reason) => destination[0] = (byte)reason;

    public static CloseReason Read(ReadOnlySpan<byte> source) =>
        source.Length == Size && source[0] <= (byte)CloseReason.Duplicate ? (CloseReason)source[0] : CloseReason.Unspecified;
}
