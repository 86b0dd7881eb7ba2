using Akka.Actor;
using MeshActors.Node.Actors;
using MeshActors.Node.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serilog.Core;
using Serilog.Events;

namespace MeshActors.Node.Api;

/// <summary><c>/api/v1/ctl/…</c>: the live actor tree and the node's log level, for <c>meshactors ctl</c>.</summary>
public static class CtlEndpoints
{
    public static IEndpointRouteBuilder MapCtlApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/ctl/actors", (ActorSystem system, CancellationToken ct) =>
            ApiAsk.Run<ActorTree>(system, typeof(InspectionActor), GetActorTree.Instance, tree => Results.Ok(tree.Actors), ct));

        routes.MapGet("/api/v1/ctl/log-level", (LoggingLevelSwitch levelSwitch) =>
            Results.Ok(new LogLevelBody(Name(levelSwitch.MinimumLevel))));

        routes.MapPost("/api/v1/ctl/log-level", (LogLevelBody? body, LoggingLevelSwitch levelSwitch, ActorSystem system) =>
        {
            if (body?.Level is not { } text || !LogLevels.TryParse(text, out var level))
            {
                return Results.Problem($"body must be {{\"level\": LEVEL}} with LEVEL one of {LogLevels.Names}", statusCode: StatusCodes.Status400BadRequest);
            }

            levelSwitch.MinimumLevel = level;
            system.EventStream.SetLogLevel(Hosting.NodeLogging.AkkaLevel(level));
            return Results.Ok(new LogLevelBody(Name(level)));
        });
        return routes;
    }

    /// <summary>The config's spelling of a level (reference.conf: log-level).</summary>
    private static string Name(LogEventLevel level) => level == LogEventLevel.Information ? "info" : level.ToString().ToLowerInvariant();

    public sealed record LogLevelBody(string? Level);
}
