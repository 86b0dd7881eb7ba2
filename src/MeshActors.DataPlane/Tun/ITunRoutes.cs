using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tun;

/// <summary>
/// Routes through a TUN interface in the host's routing table: traffic to these prefixes enters the mesh.
/// </summary>
/// <remarks>
/// Control plane only (the TUN actor), never the forwarding threads: each call may run an external command.
/// Routes vanish with the interface when the device is disposed.
/// </remarks>
public interface ITunRoutes
{
    /// <summary>Prefixes currently routed into this interface by us.</summary>
    IReadOnlyCollection<IpPrefix> Routes { get; }

    /// <summary>Routes <paramref name="prefix"/> into the interface; adding an installed prefix again does nothing.</summary>
    void AddRoute(IpPrefix prefix);

    /// <summary>Removes a route added by <see cref="AddRoute"/>; returns false if it was not installed.</summary>
    bool RemoveRoute(IpPrefix prefix);
}
