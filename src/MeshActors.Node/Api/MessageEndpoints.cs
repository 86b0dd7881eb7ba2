using System.Text.Json;
using Akka.Actor;
using MeshActors.Messaging.Api;
using MeshActors.Node.Messaging;
using MeshActors.Node.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary>
/// The message bus API, Mycelium-compatible bodies: push (optionally waiting for the reply), long-poll receive, reply,
/// status. Every user error is a 4xx problem body naming the field; the body size is capped by max-message-size.
/// </summary>
public static class MessageEndpoints
{
    /// <summary>How long a request waits for the bus, 30 s. The bus answers a send or a take only after it acted on
    /// it, so a request that gave up sooner would leave its client not knowing whether the message was sent or taken
    /// (and a retry would send it twice or lose it); a busy machine delays the answer by seconds, only a stuck bus
    /// by this long. The CLI waits longer than this (<c>ApiClient.RequestTimeout</c>).</summary>
    public static readonly TimeSpan BusPatience = TimeSpan.FromSeconds(30);

    /// <summary>Body bytes allowed beyond the base64 payload (4/3 of max-message-size), 4 KiB: the JSON keys, the
    /// destination and a base64 topic of up to 255 bytes.</summary>
    private const int BodyOverheadBytes = 4096;

    public static IEndpointRouteBuilder MapMessageApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/messages", (HttpContext http, ActorSystem system, NodeSettings settings) =>
        {
            var error = MessageApiValidation.TryParseReplyTimeout(http.Request.Query["reply_timeout"].FirstOrDefault(), out var replyTimeout);
            return error is not null ? Task.FromResult(Problem(error)) : Push(http, system, settings, null, replyTimeout);
        });
        routes.MapPost("/api/v1/messages/reply/{id}", (string id, HttpContext http, ActorSystem system, NodeSettings settings) =>
        {
            var error = MessageApiValidation.TryParseId(id, out var replyTo);
            return error is not null ? Task.FromResult(Problem(error)) : Push(http, system, settings, replyTo, null);
        });
        routes.MapGet("/api/v1/messages", Receive);
        routes.MapGet("/api/v1/messages/status/{id}", async (string id, ActorSystem system, CancellationToken ct) =>
        {
            if (MessageApiValidation.TryParseId(id, out var messageId) is { } error)
            {
                return Problem(error);
            }

            var (answer, failure) = await Ask<StatusAnswer>(system, new GetBusStatus(messageId), BusPatience, ct);
            return failure ?? (answer!.Status is { } status
                ? Results.Json(status, MessagesJsonContext.Default.MessageStatusResponse)
                : Problem(new ApiError("id", $"no message {id} is in flight or was finished recently"), StatusCodes.Status404NotFound));
        });
        return routes;
    }

    private static async Task<IResult> Push(HttpContext http, ActorSystem system, NodeSettings settings, ulong? replyTo, TimeSpan? replyTimeout)
    {
        var limit = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false })
        {
            limit.MaxRequestBodySize = (settings.Messages.MaxMessageSize + 2L) / 3 * 4 + BodyOverheadBytes;
        }

        PushMessageBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(http.Request.Body, MessagesJsonContext.Default.PushMessageBody, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return Problem(new ApiError(e.Path ?? "body", $"malformed JSON or base64: {e.Message}"));
        }
        catch (BadHttpRequestException e)
        {
            return Problem(new ApiError("body", $"{e.Message} (the limit follows {MeshActors.Messaging.MessageBusSettings.Keys.MaxMessageSize})"), e.StatusCode);
        }

        if (replyTo is { } original && body is { Dst: null })
        {
            // A reply may leave out dst: it goes to whoever sent the original message to this node.
            var (sender, lookupFailure) = await Ask<SenderOfAnswer>(system, new GetSenderOf(original), BusPatience, http.RequestAborted);
            if (lookupFailure is not null)
            {
                return lookupFailure;
            }

            if (sender?.PublicKey is not { } key)
            {
                return Problem(new ApiError("dst", $"message {MessageApiValidation.FormatId(original)} was not received here (or is too old to remember its sender); give dst"), StatusCodes.Status404NotFound);
            }

            body = body with { Dst = new MessageDestinationDto(null, key) };
        }

        if (MessageApiValidation.ValidatePush(body, settings.Messages, out var push) is { } invalid)
        {
            return Problem(invalid, invalid.Field == "payload" && push is null && body?.Payload is not null
                ? StatusCodes.Status413PayloadTooLarge
                : StatusCodes.Status400BadRequest);
        }

        var wait = BusPatience + (replyTimeout ?? TimeSpan.Zero);
        var (answer, failure) = await Ask<SendAnswer>(system, new SendBusMessage(push!.Target, push.Topic, push.Payload, replyTo, replyTimeout), wait, http.RequestAborted);
        return failure ?? answer switch
        {
            SendAccepted when replyTo is not null => Results.NoContent(),
            SendAccepted accepted => Results.Json(Id(accepted.Id), MessagesJsonContext.Default.PushMessageResponseId, statusCode: StatusCodes.Status201Created),
            SendReplied replied => Results.Json(replied.Reply, MessagesJsonContext.Default.InboundMessageDto),
            SendReplyTimedOut timedOut => Results.Json(Id(timedOut.Id), MessagesJsonContext.Default.PushMessageResponseId, statusCode: StatusCodes.Status408RequestTimeout),
            SendRefused refused => Problem(new ApiError(refused.Field, refused.Problem), refused.StatusCode),
            _ => Results.Problem("unexpected answer from the message bus", statusCode: StatusCodes.Status500InternalServerError),
        };
    }

    /// <summary>Take a message now, or wait for one (long-poll) and then take it; 204 when none came in time.</summary>
    private static async Task<IResult> Receive(HttpContext http, ActorSystem system)
    {
        var q = http.Request.Query;
        if (MessageApiValidation.TryParseReceiveQuery(q["peek"].FirstOrDefault(), q["timeout"].FirstOrDefault(), q["topic"].FirstOrDefault(), out var query) is { } error)
        {
            return Problem(error);
        }

        var deadline = DateTimeOffset.UtcNow + query!.Timeout;
        while (true)
        {
            var (taken, failure) = await Ask<TakeAnswer>(system, new TakeBusMessage(query.TopicPrefix, query.Peek), BusPatience, http.RequestAborted);
            if (failure is not null)
            {
                return failure;
            }

            if (taken!.Message is { } message)
            {
                return Results.Json(message, MessagesJsonContext.Default.InboundMessageDto);
            }

            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                return Results.NoContent();
            }

            var (waited, waitFailure) = await Ask<WaitAnswer>(system, new WaitForBusMessage(query.TopicPrefix, remaining), remaining + BusPatience, http.RequestAborted);
            if (waitFailure is not null)
            {
                return waitFailure;
            }

            if (waited!.Result == WaitResult.Busy)
            {
                return Results.Problem($"{ParkedReceivers.Capacity} long-polls are already waiting; retry later", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            if (waited.Result == WaitResult.TimedOut)
            {
                return Results.NoContent();
            }
        }
    }

    private static PushMessageResponseId Id(ulong id) => new(MessageApiValidation.FormatId(id));

    private static IResult Problem(ApiError error, int statusCode = StatusCodes.Status400BadRequest) =>
        Results.Problem(detail: $"{error.Field}: {error.Problem}", statusCode: statusCode, extensions: new Dictionary<string, object?> { ["field"] = error.Field });

    private static Task<(T? Answer, IResult? Failure)> Ask<T>(ActorSystem system, object message, TimeSpan timeout, CancellationToken ct)
        where T : class =>
        ApiAsk.TryAsk<T>(system, typeof(MessageBusActor), message, timeout, ct);
}
