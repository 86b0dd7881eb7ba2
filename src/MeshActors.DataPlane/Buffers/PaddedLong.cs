using System.Runtime.InteropServices;

namespace MeshActors.DataPlane.Buffers;

/// <summary>
/// A long alone on its 64-byte cache line (64 bytes of padding on each side), so a ring's producer and consumer
/// positions do not invalidate each other's cache line on every operation.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    [FieldOffset(64)]
    public long Value;
}
