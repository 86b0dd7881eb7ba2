namespace MeshActors.Protocol.Frames;

/// <summary>Why a frame was refused by <see cref="FrameCodec.TryParse"/>; <see cref="None"/> means it parsed.</summary>
public enum FrameParseError : byte
{
    None = 0,

    /// <summary>Fewer bytes than the header (or than the type's fixed size).</summary>
    TooShort,

    /// <summary>More than <see cref="FrameLayout.MaxFrameSize"/> bytes, or more than the type's fixed size.</summary>
    TooLong,
    UnknownVersion,
    UnknownType,

    /// <summary>A flag or reserved bit that must be zero for this type is set.</summary>
    BadFlags,

    /// <summary>A header field that must be zero for this type (counter of a handshake frame, receiver of an init) is not.</summary>
    BadField,

    /// <summary>The payload length is not one this type allows (e.g. a Hello that is not exactly one Hello payload).</summary>
    BadLength,
}
