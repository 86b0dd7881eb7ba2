using Akka.Actor;
using Akka.Hosting;
using MeshActors.Node.Actors;
using MeshActors.Node.Nat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary>The admin part of the local HTTP API (<c>/api/v1/admin</c>).</summary>
public static class AdminEndpoints
{
    /// <summary>Longest an API call waits for an actor's answer before replying 503.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/admin", async (IRequiredActor<NodeGuardian> guardian, ActorSystem system, CancellationToken cancellationToken) =>
        {
            try
            {
                var actor = await guardian.GetAsync(cancellationToken);
                var info = await actor.Ask<NodeInfo>(GetNodeInfo.Instance, AskTimeout, cancellationToken);
                return Results.Ok(info with { Nat = await NatStatusAsync(system, cancellationToken) });
            }
            catch (AskTimeoutException)
            {
                return Results.Problem("the node did not answer in time", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return routes;
    }

    /// <summary>The NAT traversal actor's status; null when it is not running or does not answer in time (the rest of the
    /// answer stands).</summary>
    internal static async Task<NatStatus?> NatStatusAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var (status, _) = await ApiAsk.TryAsk<NatStatus>(system, typeof(NatTraversalActor), GetNatStatus.Instance, AskTimeout, cancellationToken);
        return status;
    }
}
