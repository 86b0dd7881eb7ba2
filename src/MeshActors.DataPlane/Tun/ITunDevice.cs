using MeshActors.Protocol.Counting;

namespace MeshActors.DataPlane.Tun;

/// <summary>
/// A layer-3 TUN device seen by the forwarding loops: whole IPv4/IPv6 packets in and out, no link header.
/// </summary>
/// <remarks>
/// Threads: exactly one reader thread calls <see cref="Read"/>/<see cref="ReadBatch"/> and exactly one writer
/// thread calls <see cref="Write"/>/<see cref="WriteBatch"/>; both may block. <see cref="IDisposable.Dispose"/> is
/// called from a third (control) thread and wakes a blocked reader, which then sees 0 / <see cref="TunWriteStatus.Closed"/>
/// and ends its loop. Buffers belong to the caller and are never kept after a call returns.
/// </remarks>
public interface ITunDevice : IDisposable
{
    /// <summary>Interface name as the operating system shows it (e.g. "mesh0").</summary>
    string Name { get; }

    /// <summary>MTU of the interface in bytes; every read buffer must hold at least this many bytes.</summary>
    int Mtu { get; }

    /// <summary>
    /// Blocks until one packet arrives and copies it into <paramref name="buffer"/>.
    /// Returns the packet length, or 0 once the device has been disposed.
    /// </summary>
    int Read(Span<byte> buffer);

    /// <summary>
    /// Blocks until at least one packet arrives, then takes every packet already queued, up to
    /// <c>buffers.Length</c>, without blocking again. Packet i lands in <c>buffers[i]</c> with its length in
    /// <c>sizes[i]</c>. Returns the number of packets (at least 1), or 0 once the device has been disposed.
    /// </summary>
    int ReadBatch(ReadOnlySpan<Memory<byte>> buffers, Span<int> sizes);

    /// <summary>Hands one IP packet to the operating system.</summary>
    TunWriteStatus Write(ReadOnlySpan<byte> packet);

    /// <summary>What the device leaves to the kernel; see <see cref="TunOffload"/>.</summary>
    TunOffload Offload => TunOffload.None;

    /// <summary>What the offloads did, for a device that has any; null otherwise.</summary>
    CounterSet<TunOffloadEvent>? OffloadCounters => null;

    /// <summary>
    /// Hands packets to the operating system in order; a device with <see cref="TunOffload.Checksum"/> may rewrite
    /// a packet's transport checksum field (the buffers are the caller's and are written to the device once). Returns how many were consumed (written or rejected):
    /// fewer than <c>packets.Length</c> only when the device has been disposed. <paramref name="rejected"/>
    /// counts packets the operating system refused (see <see cref="TunWriteStatus.Rejected"/>).
    /// </summary>
    int WriteBatch(ReadOnlySpan<Memory<byte>> packets, out int rejected);
}
