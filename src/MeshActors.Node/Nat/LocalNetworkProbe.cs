using System.Net;
using System.Net.NetworkInformation;
using MeshActors.Routing.Nat;

namespace MeshActors.Node.Nat;

/// <summary>Reads the host's interface addresses (asked again each time: interfaces come and go), leaving out the
/// node's own TUN device: its overlay addresses are reached through the mesh, never a path to punch.</summary>
public static class LocalNetworkProbe
{
    public static LocalEndpoints Current(IEnumerable<IPEndPoint> udpEndPoints, string? tunName)
    {
        var addresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.Name != tunName)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => NatObservations.Normalize(unicast.Address))
            .ToHashSet();
        return new LocalEndpoints(addresses, udpEndPoints.Select(endPoint => endPoint.Port).ToHashSet());
    }
}
