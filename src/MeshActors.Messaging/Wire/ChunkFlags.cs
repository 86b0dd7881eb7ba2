namespace MeshActors.Messaging.Wire;

/// <summary>Flag bits of a chunk frame. Any other bit set makes the frame malformed.</summary>
[Flags]
public enum ChunkFlags : byte
{
    None = 0,

    /// <summary>The message answers another; chunk 0 carries the id it replies to.</summary>
    IsReply = 1,

    Known = IsReply,
}
