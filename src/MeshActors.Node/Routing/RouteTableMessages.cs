namespace MeshActors.Node.Routing;

public enum RouteView
{
    /// <summary>The route each destination currently uses.</summary>
    Selected,

    /// <summary>Feasible routes known but not selected (what a reroute would fall back on).</summary>
    Fallback,

    /// <summary>Destinations whose route this node is asking the originator to refresh (seqno requests).</summary>
    Queried,
}

public sealed record GetRoutes(RouteView View);

/// <summary>One route as the API shows it. NextHop is the neighbour's public key; null for a local or queried entry.</summary>
public sealed record RouteInfo(string Prefix, string? NextHop, int Metric, int Seqno, string Originator);

public sealed record RouteList(RouteView View, IReadOnlyList<RouteInfo> Routes);

/// <summary>Asks the route table for a copy of its routing core's counters (answered with <see cref="RoutingCounterList"/>).</summary>
public sealed class GetRoutingCounters
{
    public static readonly GetRoutingCounters Instance = new();

    private GetRoutingCounters()
    {
    }
}

public sealed record RoutingCounterList(IReadOnlyDictionary<string, long> Counters);

/// <summary>
/// Told by the route table to the TUN device actor when the set of selected prefixes outside the overlay prefix changes (IPv4 and extra
/// prefixes of other nodes): what the TUN device must route into the mesh.
/// </summary>
public sealed record RoutedPrefixesChanged(IReadOnlySet<Protocol.IpPrefix> Prefixes);

/// <summary>Asks the route table for the current <see cref="RoutedPrefixesChanged"/> (a restarted TUN device has no routes).</summary>
public sealed record ResendRoutedPrefixes
{
    public static readonly ResendRoutedPrefixes Instance = new();
}

/// <summary>The route table (re)started from its configured prefixes: the IPv4 actor originates its moved address again.</summary>
public sealed record RouteTableStarted
{
    public static readonly RouteTableStarted Instance = new();
}
