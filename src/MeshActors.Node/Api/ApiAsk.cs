using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http;

namespace MeshActors.Node.Api;

/// <summary>
/// Asks one of the node's actors for the API: found in the Akka.Hosting registry by its key (the actor's class,
/// <see cref="Actors.NodeRegistry"/>), with one timeout and one way to fail (503 with a problem body).
/// </summary>
internal static class ApiAsk
{
    public static async Task<IResult> Run<T>(ActorSystem system, Type actor, object message, Func<T, IResult> answer, CancellationToken cancellationToken)
    {
        var (reply, failure) = await TryAsk<T>(system, actor, message, AdminEndpoints.AskTimeout, cancellationToken);
        return failure ?? answer(reply!);
    }

    /// <summary>The actor's answer, or the 503 to send when the actor is not running or did not answer in time.</summary>
    public static async Task<(T? Answer, IResult? Failure)> TryAsk<T>(
        ActorSystem system, Type actor, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!ActorRegistry.For(system).TryGet(actor, out var target))
        {
            return (default, Results.Problem($"{actor.Name} is not running", statusCode: StatusCodes.Status503ServiceUnavailable));
        }

        try
        {
            return (await target.Ask<T>(message, timeout, cancellationToken), null);
        }
        catch (AskTimeoutException)
        {
            return (default, Results.Problem(
                $"{actor.Name} did not answer within {timeout.TotalSeconds:0} s", statusCode: StatusCodes.Status503ServiceUnavailable));
        }
    }
}
