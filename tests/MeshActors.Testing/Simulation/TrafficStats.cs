namespace MeshActors.Testing.Simulation;

/// <summary>Control traffic sent, counted in wire payloads and bytes as the codecs would produce them.</summary>
public sealed class TrafficStats
{
    public long UpdateFrames { get; internal set; }

    public long UpdateBytes { get; internal set; }

    public long RouteUpdatesSent { get; internal set; }

    public long RequestFrames { get; internal set; }

    public long RequestBytes { get; internal set; }

    public long Frames => UpdateFrames + RequestFrames;

    public long Bytes => UpdateBytes + RequestBytes;
}
