using Akka.Actor;
using MeshActors.Node.Names;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary><c>GET /api/v1/names</c> (every live record and this node's own claim) and <c>GET /api/v1/names/{name}</c>.</summary>
public static class NameEndpoints
{
    public static IEndpointRouteBuilder MapNameApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/names", (ActorSystem system, CancellationToken ct) =>
            ApiAsk.Run<NameList>(system, typeof(NamesActor), GetNames.Instance, Results.Ok, ct));
        routes.MapGet("/api/v1/names/{name}", (string name, NameDirectoryHolder directory) =>
            directory.Current.Resolve(name.ToLowerInvariant()) is { } entry
                ? Results.Ok(new ResolvedName(entry.Name, entry.Ipv6?.ToString(), entry.Ipv4?.ToString()))
                : Results.Problem($"no node owns the name '{name}'", statusCode: StatusCodes.Status404NotFound));
        return routes;
    }

    /// <summary>An owned name and its owner's overlay address and announced IPv4 address (null when none).</summary>
    public sealed record ResolvedName(string Name, string? Address, string? Ipv4);
}
