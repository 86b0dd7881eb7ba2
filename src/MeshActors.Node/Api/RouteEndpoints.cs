using Akka.Actor;
using MeshActors.Node.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary><c>/api/v1/admin/routes/{selected|fallback|queried}</c>.</summary>
public static class RouteEndpoints
{
    public static IEndpointRouteBuilder MapRouteApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/admin/routes/{view}", (string view, ActorSystem system, CancellationToken ct) =>
            Enum.TryParse<RouteView>(view, ignoreCase: true, out var parsed) && !int.TryParse(view, out _)
                ? ApiAsk.Run<RouteList>(system, typeof(RouteTableActor), new GetRoutes(parsed), list => Results.Ok(list.Routes), ct)
                : Task.FromResult(Results.Problem($"unknown route view '{view}': use selected, fallback or queried", statusCode: StatusCodes.Status404NotFound)));
        return routes;
    }
}
