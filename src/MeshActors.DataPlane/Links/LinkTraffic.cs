namespace MeshActors.DataPlane.Links;

/// <summary>What a link counts besides drops (<see cref="LinkStats.Traffic"/>).</summary>
public enum LinkTraffic
{
    BytesIn,
    BytesOut,
    FramesIn,
    FramesOut,

    /// <summary>Of <see cref="FramesOut"/>, the frames sent by the thread that produced them, without the event loop.</summary>
    FramesOutDirect,

    /// <summary>Sessions replaced by a completed rekey.</summary>
    Rekeys,
}
