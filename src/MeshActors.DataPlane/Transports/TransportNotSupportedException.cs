namespace MeshActors.DataPlane.Transports;

/// <summary>A peer address names a transport this platform cannot run (QUIC without libmsquic). Not worth retrying.</summary>
public sealed class TransportNotSupportedException(string message) : Exception(message);
