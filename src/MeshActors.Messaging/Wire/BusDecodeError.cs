namespace MeshActors.Messaging.Wire;

/// <summary>Why a bus frame was rejected. Decoders return one of these instead of throwing.</summary>
public enum BusDecodeError
{
    None = 0,

    /// <summary>The frame ends inside a fixed field or a length-prefixed field.</summary>
    Truncated,

    /// <summary>The first byte is not the kind the decoder expects (or not a known kind at all).</summary>
    WrongKind,

    /// <summary>A flag bit this version does not define is set.</summary>
    UnknownFlags,

    /// <summary>Chunk count is zero, or the index is not below the count.</summary>
    BadChunkIndex,

    /// <summary>More chunks than bytes (only an empty message may have one chunk and zero bytes).</summary>
    BadChunkCount,

    /// <summary>The chunk's bytes do not lie inside the announced total length.</summary>
    BadChunkOffset,

    /// <summary>An ack range is empty or reaches past the announced chunk count.</summary>
    BadAckRange,

    /// <summary>A refuse frame carries a reason this version does not define.</summary>
    UnknownReason,

    /// <summary>Bytes remain after a fixed-size frame or after the announced ack ranges.</summary>
    TrailingBytes,
}
