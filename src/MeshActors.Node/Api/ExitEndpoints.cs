using System.Net;
using MeshActors.DataPlane;
using MeshActors.DataPlane.Forwarding;
using MeshActors.Node.Hosting;
using MeshActors.Node.Names;
using MeshActors.Node.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary>
/// <c>GET /api/v1/exits</c>: the prefixes this node serves as an exit, and per exit prefix of the mesh its exits with
/// their name, address, whether this node has a route to them, and the packets it sent through each.
/// </summary>
public static class ExitEndpoints
{
    public static IEndpointRouteBuilder MapExitApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/exits", (NodeSettings settings, NodeDataPlane dataPlane, NameDirectoryHolder names) =>
            Results.Ok(Describe(settings, dataPlane.Forwarder, names.Current)));
        return routes;
    }

    private static ExitView Describe(NodeSettings settings, Forwarder forwarder, NameDirectory names)
    {
        var lookup = forwarder.Routes;
        var prefixes = forwarder.Exits.Entries
            .OrderBy(entry => entry.Key.ToString(), StringComparer.Ordinal)
            .Select(entry => new ExitPrefixView(
                entry.Key.ToString(),
                [.. entry.Value.Select(exit =>
                {
                    var address = new IPAddress(exit.Address);
                    return new ExitInfo(
                        exit.Key.ToString(), names.NameOf(address), address.ToString(), lookup is not null && ExitTable.TryReach(exit, lookup, out _), exit.Packets);
                })]))
            .ToList();
        return new ExitView([.. settings.Exit.Prefixes.Select(prefix => prefix.ToString())], prefixes);
    }

    /// <summary>What this node serves (<paramref name="Serving"/>) and every exit prefix it knows of.</summary>
    public sealed record ExitView(IReadOnlyList<string> Serving, IReadOnlyList<ExitPrefixView> Prefixes);

    public sealed record ExitPrefixView(string Prefix, IReadOnlyList<ExitInfo> Exits);

    /// <summary>One exit: <paramref name="Name"/> null when it owns none; <paramref name="Packets"/> sent through it by this node.</summary>
    public sealed record ExitInfo(string PublicKey, string? Name, string Address, bool Reachable, long Packets);
}
