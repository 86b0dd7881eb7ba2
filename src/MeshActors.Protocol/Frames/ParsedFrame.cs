namespace MeshActors.Protocol.Frames;

/// <summary>
/// A frame that passed the structural checks. <see cref="BodyLength"/> counts the bytes after the header: for a
/// transport frame the ciphertext (payload length) — the tag follows it; for a handshake frame the whole message body.
/// </summary>
public readonly record struct ParsedFrame(FrameHeader Header, int BodyLength)
{
    public const int BodyOffset = FrameLayout.HeaderSize;

    public int FrameLength => Header.Type.IsTransport()
        ? FrameLayout.HeaderSize + BodyLength + FrameLayout.TagSize
        : FrameLayout.HeaderSize + BodyLength;
}
