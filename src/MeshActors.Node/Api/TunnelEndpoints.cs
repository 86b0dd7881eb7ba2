using Akka.Actor;
using MeshActors.Node.Tunnels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary><c>/api/v1/tunnels</c>: list the tunnels (and what this node exposes), open one, close one.</summary>
public static class TunnelEndpoints
{
    public static IEndpointRouteBuilder MapTunnelApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/tunnels", (ActorSystem system, CancellationToken ct) =>
            ApiAsk.Run<TunnelStatus>(system, typeof(TunnelActor), GetTunnels.Instance, Results.Ok, ct));

        routes.MapPost("/api/v1/tunnels", (OpenTunnelBody? body, ActorSystem system, CancellationToken ct) =>
        {
            if (body is not { Protocol: { } protocol, Listen: { } listen, Target: { } target })
            {
                return Task.FromResult(Results.Problem(
                    "body must be {\"protocol\": \"tcp\" or \"udp\", \"listen\": LOCAL_PORT, \"target\": \"NODE:PORT\"}", statusCode: StatusCodes.Status400BadRequest));
            }

            if (!TunnelSpec.TryParse(protocol, listen, target, out var spec, out var problem))
            {
                return Task.FromResult(Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest));
            }

            return ApiAsk.Run<TunnelCommandResult>(system, typeof(TunnelActor), new OpenTunnel(spec!), result => result.Succeeded
                ? Results.Created($"/api/v1/tunnels/{result.Tunnel!.Id}", result.Tunnel)
                : Results.Problem(result.Message, statusCode: StatusCodes.Status409Conflict), ct);
        });

        routes.MapDelete("/api/v1/tunnels/{id:int}", (int id, ActorSystem system, CancellationToken ct) =>
            ApiAsk.Run<TunnelCommandResult>(system, typeof(TunnelActor), new CloseTunnel(id), result => result.Succeeded
                ? Results.NoContent()
                : Results.Problem(result.Message, statusCode: StatusCodes.Status404NotFound), ct));
        return routes;
    }

    public sealed record OpenTunnelBody(string? Protocol, int? Listen, string? Target);
}
