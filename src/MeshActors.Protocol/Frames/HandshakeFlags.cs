namespace MeshActors.Protocol.Frames;

/// <summary>The header's flags byte on handshake frames; transport frames carry zero there.</summary>
[Flags]
public enum HandshakeFlags : byte
{
    None = 0,

    /// <summary>The initiator pinned the responder's key: pattern IK (two messages). Clear: pattern XX (three).</summary>
    Pinned = 1,

    /// <summary>The network pre-shared key is mixed in; clear means 32 zero bytes are mixed in its place.</summary>
    NetworkKey = 2,

    All = Pinned | NetworkKey,
}
