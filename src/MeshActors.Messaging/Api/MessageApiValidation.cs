using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MeshActors.Messaging.Wire;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Api;

/// <summary>
/// Turns API input into typed values or an <see cref="ApiError"/> naming the field, never an exception. Query
/// values arrive as the raw strings the HTTP layer saw (null when absent). Base64 errors inside a JSON body are
/// reported by the serializer (JsonException with the path) before these helpers run.
/// </summary>
public static class MessageApiValidation
{
    /// <summary>Hex characters of a message id (u64).</summary>
    private const int IdHexLength = 16;

    /// <summary>Hex characters of a public key (32 bytes).</summary>
    private const int KeyHexLength = RouterId.Size * 2;

    /// <summary>Longest long-poll or reply wait, seconds (1 h): an HTTP request held longer is almost surely dead.</summary>
    public const int MaxWaitSeconds = 3600;

    public static ApiError? TryParseId(string? hex, out ulong id)
    {
        id = 0;
        if (hex is null || hex.Length != IdHexLength
            || !ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id))
        {
            return new ApiError("id", $"must be {IdHexLength} hex digits");
        }

        return null;
    }

    public static string FormatId(ulong id) => id.ToString("x16", CultureInfo.InvariantCulture);

    public static string FormatKey(RouterId key) => Convert.ToHexStringLower(key.ToBytes());

    public static ApiError? ValidatePush(PushMessageBody? body, MessageBusSettings settings, out ValidatedPush? push)
    {
        push = null;
        if (body is null)
        {
            return new ApiError("body", "a JSON object with dst and payload is required");
        }

        var error = TryParseDestination(body.Dst, out var target);
        if (error is not null)
        {
            return error;
        }

        if (body.Payload is null)
        {
            return new ApiError("payload", "is required (base64)");
        }

        if (body.Payload.Length > settings.MaxMessageSize)
        {
            return new ApiError("payload", $"exceeds {settings.MaxMessageSize} bytes ({MessageBusSettings.Keys.MaxMessageSize})");
        }

        var topic = body.Topic ?? [];
        if (topic.Length > BusFrameLayout.MaxTopicLength)
        {
            return new ApiError("topic", $"exceeds {BusFrameLayout.MaxTopicLength} bytes");
        }

        push = new ValidatedPush(target!, topic, body.Payload);
        return null;
    }

    public static ApiError? TryParseDestination(MessageDestinationDto? dst, out MessageTarget? target)
    {
        target = null;
        if (dst is null || (dst.Ip is null) == (dst.Pk is null))
        {
            return new ApiError("dst", "must be {\"ip\": …} or {\"pk\": …}");
        }

        if (dst.Pk is { } pk)
        {
            if (pk.Length != KeyHexLength || !TryFromHex(pk, out var bytes))
            {
                return new ApiError("dst.pk", $"must be {KeyHexLength} hex digits");
            }

            target = new MessageTarget(RouterId.FromBytes(bytes), null);
            return null;
        }

        if (!IPAddress.TryParse(dst.Ip, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return new ApiError("dst.ip", "must be an IPv6 overlay address");
        }

        target = new MessageTarget(null, address);
        return null;
    }

    /// <summary><c>reply_timeout</c>: absent means do not wait; otherwise whole seconds 0…<see cref="MaxWaitSeconds"/>.</summary>
    public static ApiError? TryParseReplyTimeout(string? value, out TimeSpan? timeout)
    {
        timeout = null;
        if (value is null)
        {
            return null;
        }

        var error = TryParseSeconds("reply_timeout", value, out var seconds);
        timeout = error is null ? seconds : null;
        return error;
    }

    /// <summary>Query of GET /messages: <c>peek</c> (true/false), <c>timeout</c> (seconds, default 0), <c>topic</c> (base64 prefix).</summary>
    public static ApiError? TryParseReceiveQuery(string? peek, string? timeout, string? topic, out ReceiveQuery? query)
    {
        query = null;
        var doPeek = false;
        if (peek is not null && !bool.TryParse(peek, out doPeek))
        {
            return new ApiError("peek", "must be true or false");
        }

        var wait = TimeSpan.Zero;
        if (timeout is not null && TryParseSeconds("timeout", timeout, out wait) is { } timeoutError)
        {
            return timeoutError;
        }

        var prefix = Array.Empty<byte>();
        if (topic is not null)
        {
            var buffer = new byte[BusFrameLayout.MaxTopicLength];
            if (!Convert.TryFromBase64String(topic, buffer, out var length))
            {
                return new ApiError("topic", $"must be base64 of at most {BusFrameLayout.MaxTopicLength} bytes");
            }

            prefix = buffer[..length];
        }

        query = new ReceiveQuery(doPeek, wait, prefix);
        return null;
    }

    private static ApiError? TryParseSeconds(string field, string value, out TimeSpan seconds)
    {
        seconds = TimeSpan.Zero;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > MaxWaitSeconds)
        {
            return new ApiError(field, $"must be whole seconds between 0 and {MaxWaitSeconds}");
        }

        seconds = TimeSpan.FromSeconds(parsed);
        return null;
    }

    private static bool TryFromHex(string hex, out byte[] bytes)
    {
        bytes = new byte[hex.Length / 2];
        return Convert.FromHexString(hex, bytes, out _, out _) == System.Buffers.OperationStatus.Done;
    }
}
