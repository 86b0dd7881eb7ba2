using Akka.Actor;
using Microsoft.AspNetCore.Http;

namespace MeshActors.Node.Api;

/// <summary>Asks an actor for the API with one timeout and one way to fail (503 with a problem body).</summary>
internal static class ApiAsk
{
    public static async Task<IResult> Run<T>(ActorSystem system, string path, object message, Func<T, IResult> answer, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await system.ActorSelection(path).Ask<T>(message, AdminEndpoints.AskTimeout, cancellationToken);
            return answer(reply);
        }
        catch (AskTimeoutException)
        {
            return Results.Problem($"{path} did not answer within {AdminEndpoints.AskTimeout.TotalSeconds:0} s", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
