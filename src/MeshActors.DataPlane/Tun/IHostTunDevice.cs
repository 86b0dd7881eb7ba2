namespace MeshActors.DataPlane.Tun;

/// <summary>A TUN device that lives in the host's network stack: packet I/O plus route control.</summary>
public interface IHostTunDevice : ITunDevice, ITunRoutes;
