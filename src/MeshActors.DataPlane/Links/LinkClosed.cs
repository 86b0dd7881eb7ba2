using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>What ended a link; the actor layer decides from it whether and when to redial.</summary>
public enum LinkCloseCause
{
    /// <summary><see cref="Link.Close"/> was called; <see cref="LinkClosedInfo.Reason"/> was sent to the peer.</summary>
    Local,

    /// <summary>The peer sent a Close frame carrying <see cref="LinkClosedInfo.Reason"/>.</summary>
    Remote,

    /// <summary>The socket ended or failed (reset, end of stream, send error).</summary>
    TransportFailed,

    /// <summary>The byte stream broke the framing rules (bad length prefix); nothing more can be read from it.</summary>
    ProtocolViolation,

    /// <summary>The session passed its reject limits without a successful rekey.</summary>
    SessionExpired,
}

public sealed record LinkClosedInfo(LinkCloseCause Cause, CloseReason Reason, string Detail)
{
    public override string ToString() => $"{Cause} ({Reason}): {Detail}";
}
