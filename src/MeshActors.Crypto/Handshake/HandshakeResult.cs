using MeshActors.Crypto.Session;

namespace MeshActors.Crypto.Handshake;

public enum HandshakeStatus : byte
{
    /// <summary>The message was refused; see <see cref="HandshakeResult.Error"/>.</summary>
    Rejected,

    /// <summary>Send the reply and wait for the next message.</summary>
    Reply,

    /// <summary>The session is ready; send the reply first when <see cref="HandshakeResult.ReplyLength"/> is not zero.</summary>
    Established,
}

/// <summary>The event one handshake message produced: a reply to send, a new session, or a refusal.</summary>
public readonly record struct HandshakeResult(HandshakeStatus Status, HandshakeError Error, int ReplyLength, LinkSession? Session)
{
    public static HandshakeResult Rejected(HandshakeError error) => new(HandshakeStatus.Rejected, error, 0, null);

    public static HandshakeResult Reply(int length) => new(HandshakeStatus.Reply, HandshakeError.None, length, null);

    public static HandshakeResult Established(LinkSession session, int replyLength) =>
        new(HandshakeStatus.Established, HandshakeError.None, replyLength, session);
}
