using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Buffers;

/// <summary>
/// One pooled fixed-size buffer travelling through the data plane. Exactly one owner at a time: whoever holds it
/// must pass it on (ring, link, TUN writer) or <see cref="Return"/> it. <see cref="Start"/>/<see cref="Length"/>
/// delimit the bytes of the current layer (packet, Data payload, or frame) inside <see cref="Array"/>.
/// </summary>
public sealed class PacketBuffer
{
    private readonly BufferPool _pool;

    internal PacketBuffer(BufferPool pool, int size)
    {
        _pool = pool;
        Array = new byte[size];
    }

    public byte[] Array { get; }

    public int Start { get; set; }

    public int Length { get; set; }

    /// <summary>
    /// True once the Data payload in this buffer was sealed end to end (by this node, or by its origin when relayed).
    /// The encryption audit refuses to send Data frames from buffers without it.
    /// </summary>
    public bool EndToEndSealed { get; set; }

    /// <summary>Transport frame type a link writer seals this buffer's payload as (Data, or a control type).</summary>
    public FrameType FrameType { get; set; }

    /// <summary>Length of the link frame once sealed in place (0 before): a frame sealed by a producer that could not
    /// send it at once is queued as it is, never sealed twice.</summary>
    public int SealedFrameLength { get; set; }

    public Span<byte> Span => Array.AsSpan(Start, Length);

    public void Set(int start, int length)
    {
        Start = start;
        Length = length;
    }

    /// <summary>Gives the buffer back to its pool; the caller must not touch it afterwards.</summary>
    public void Return() => _pool.Return(this);

    /// <summary>Clears the used bytes (no plaintext outlives its packet) and the metadata, before reuse.</summary>
    internal void Reset()
    {
        System.Array.Clear(Array, 0, Math.Min(Array.Length, Start + Length + BufferLayout.Tailroom));
        Start = 0;
        Length = 0;
        EndToEndSealed = false;
        FrameType = default;
        SealedFrameLength = 0;
    }
}
