using Akka.Actor;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Links;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary><c>/api/v1/admin/peers</c>: list, add (by URI) and remove (by key or URI) peers.</summary>
public static class PeerEndpoints
{
    public static IEndpointRouteBuilder MapPeerApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/admin/peers", (ActorSystem system, CancellationToken ct) =>
            ApiAsk.Run<PeerList>(system, typeof(PeerManager), GetPeers.Instance, list => Results.Ok(list.Peers.Select(PeerView.From).ToList()), ct));

        routes.MapPost("/api/v1/admin/peers", (AddPeerBody? body, ActorSystem system, CancellationToken ct) =>
        {
            if (body?.Endpoint is not { Length: > 0 } text)
            {
                return Task.FromResult(Results.Problem("body must be {\"endpoint\": \"tcp://HOST:PORT\"}", statusCode: StatusCodes.Status400BadRequest));
            }

            if (!PeerUri.TryParse(text, out var uri, out var problem))
            {
                return Task.FromResult(Results.Problem($"endpoint: {problem}", statusCode: StatusCodes.Status400BadRequest));
            }

            return ApiAsk.Run<PeerCommandResult>(system, typeof(PeerManager), new AddPeer(uri), result => result.Succeeded
                ? Results.Created($"/api/v1/admin/peers/{Uri.EscapeDataString(uri.ToString())}", new { endpoint = uri.ToString() })
                : Results.Problem(result.Message, statusCode: StatusCodes.Status409Conflict), ct);
        });

        routes.MapDelete("/api/v1/admin/peers/{*keyOrEndpoint}", (string keyOrEndpoint, ActorSystem system, CancellationToken ct) =>
            ApiAsk.Run<PeerCommandResult>(system, typeof(PeerManager), new RemovePeer(Uri.UnescapeDataString(keyOrEndpoint)), result => result.Succeeded
                ? Results.NoContent()
                : Results.Problem(result.Message, statusCode: StatusCodes.Status404NotFound), ct));
        return routes;
    }

    public sealed record AddPeerBody(string? Endpoint);
}
