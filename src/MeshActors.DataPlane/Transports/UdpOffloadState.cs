namespace MeshActors.DataPlane.Transports;

/// <summary>What one UDP socket of the node uses, for the API: its datagram size and the kernel offloads in use.</summary>
/// <param name="Segmentation">A long frame's Segment frames leave in one system call (UDP_SEGMENT).</param>
/// <param name="Coalescing">Runs of received datagrams arrive in one system call (UDP_GRO).</param>
/// <param name="SegmentationFallbacks">Segmented sends the kernel refused after the start-up probe (segmentation then off).</param>
/// <param name="SegmentedSends">Sends that left as several datagrams in one system call.</param>
public sealed record UdpOffloadState(string Endpoint, int MaxDatagram, bool Segmentation, bool Coalescing, long SegmentationFallbacks, long SegmentedSends);
