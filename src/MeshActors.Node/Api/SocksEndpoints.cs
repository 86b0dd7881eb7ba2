using MeshActors.Node.Socks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary><c>GET /api/v1/socks</c>: where the SOCKS5 gateway listens (null when off), its sessions and its counters,
/// read directly from <see cref="SocksStats"/> (no actor).</summary>
public static class SocksEndpoints
{
    public static IEndpointRouteBuilder MapSocksApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/socks", (SocksStats stats) =>
            Results.Ok(new SocksView(stats.Listen?.ToString(), stats.Sessions, stats.MaxSessions, stats.Events.ToDictionary(), stats.Refusals.ToDictionary())));
        return routes;
    }

    /// <summary><c>{"listen", "sessions", "maxSessions", "events": {accepted, connected, bytes_to_target,
    /// bytes_from_target}, "refusals": {reason: count}}</c>.</summary>
    public sealed record SocksView(string? Listen, int Sessions, int MaxSessions, Dictionary<string, long> Events, Dictionary<string, long> Refusals);
}
