using System.Net;

namespace MeshActors.Routing.Nat;

/// <summary>The node's own interface addresses and UDP ports: a reflection equal to one of them was seen untranslated.</summary>
public sealed record LocalEndpoints(IReadOnlySet<IPAddress> Addresses, IReadOnlySet<int> UdpPorts)
{
    public bool Contains(IPEndPoint endPoint) =>
        UdpPorts.Contains(endPoint.Port) && Addresses.Contains(NatObservations.Normalize(endPoint.Address));
}
