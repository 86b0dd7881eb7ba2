using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace MeshActors.Cli.Commands;

/// <summary><c>message send|receive|reply|status</c> over a running node's message API.</summary>
internal static class MessageCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("message", "Send and receive message-bus messages through a running node");
        command.Subcommands.Add(Send(console));
        command.Subcommands.Add(Receive(console));
        command.Subcommands.Add(Reply(console));
        command.Subcommands.Add(Status(console));
        return command;
    }

    private static Command Send(CliConsole console)
    {
        var destination = new Argument<string>("DEST") { Description = "Overlay IPv6 address or public key (64 hex) of the receiver" };
        var text = new Argument<string?>("TEXT") { Description = "Message text (or use --file)", Arity = ArgumentArity.ZeroOrOne };
        var topic = new Option<string?>("--topic") { Description = "Topic (UTF-8)" };
        var wait = new Option<bool>("--wait") { Description = "Wait for the reply and print it" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the reply", DefaultValueFactory = _ => 60 };
        var file = new Option<FileInfo?>("--file") { Description = "Send this file's bytes" };
        var command = new Command("send", "Send a message") { destination, text, topic, wait, timeout, file };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            var payload = parsed.GetValue(file) is { } path ? await File.ReadAllBytesAsync(path.FullName, ct)
                : parsed.GetValue(text) is { } message ? Encoding.UTF8.GetBytes(message)
                : throw new CliFailure("give TEXT or --file", ExitCodes.UsageOrConfig);
            var dest = parsed.GetValue(destination)!;
            object dst = IPAddress.TryParse(dest, out _) ? new { ip = dest } : new { pk = dest };
            var query = parsed.GetValue(wait) ? $"?reply_timeout={parsed.GetValue(timeout)}" : "";
            using var http = ApiClient.For(parsed, api);
            if (parsed.GetValue(wait))
            {
                http.Timeout = ApiClient.RequestTimeout + TimeSpan.FromSeconds(parsed.GetValue(timeout));
            }

            var answer = await ApiClient.SendAsync(
                http, HttpMethod.Post, $"/api/v1/messages{query}", new { dst, topic = Topic(parsed.GetValue(topic)), payload }, ct, $"message send to '{dest}'");
            console.Out.WriteLine(parsed.GetValue(api.Json) ? ApiClient.Pretty(answer)
                : answer?["payload"] is null ? $"sent {answer?["id"]}" : Describe(answer));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Receive(CliConsole console)
    {
        var topic = new Option<string?>("--topic") { Description = "Only messages whose topic starts with this (UTF-8)" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for a message", DefaultValueFactory = _ => 0 };
        var command = new Command("receive", "Take the oldest message from the node's inbox") { topic, timeout };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            http.Timeout = ApiClient.RequestTimeout + TimeSpan.FromSeconds(parsed.GetValue(timeout));
            var query = $"?timeout={parsed.GetValue(timeout)}" + (Topic(parsed.GetValue(topic)) is { } t ? "&topic=" + Uri.EscapeDataString(Convert.ToBase64String(t)) : "");
            var message = await ApiClient.SendAsync(http, HttpMethod.Get, $"/api/v1/messages{query}", null, ct, "message receive");
            if (message is null)
            {
                console.Error.WriteLine($"no message within {parsed.GetValue(timeout)} s");
                return ExitCodes.NoMessage;
            }

            console.Out.WriteLine(parsed.GetValue(api.Json) ? ApiClient.Pretty(message) : Describe(message));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Reply(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "Id of the received message" };
        var text = new Argument<string>("TEXT") { Description = "Reply text" };
        var destination = new Option<string?>("--dest") { Description = "Public key (64 hex) of the original sender; default: the sender this node remembers for ID" };
        var command = new Command("reply", "Reply to a received message") { id, text, destination };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            await ApiClient.SendAsync(http, HttpMethod.Post, $"/api/v1/messages/reply/{Uri.EscapeDataString(parsed.GetValue(id)!)}",
                new ReplyBody(parsed.GetValue(destination) is { } key ? new ReplyDestination(key) : null, Encoding.UTF8.GetBytes(parsed.GetValue(text)!)), ct,
                $"message reply '{parsed.GetValue(id)}'");
            console.Out.WriteLine("reply sent");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Status(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "Id printed by 'message send'" };
        var command = new Command("status", "Delivery state of a sent message") { id };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            console.Out.WriteLine(ApiClient.Pretty(await ApiClient.SendAsync(
                http, HttpMethod.Get, $"/api/v1/messages/status/{Uri.EscapeDataString(parsed.GetValue(id)!)}", null, ct, $"message status '{parsed.GetValue(id)}'")));
            return ExitCodes.Success;
        });
        return command;
    }

    private static byte[]? Topic(string? topic) => topic is null ? null : Encoding.UTF8.GetBytes(topic);

    private static string Describe(JsonNode message)
    {
        var topic = message["topic"]?.GetValue<string>() is { } t ? Encoding.UTF8.GetString(Convert.FromBase64String(t)) : "";
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(message["payload"]!.GetValue<string>()));
        return $"id {message["id"]} from {message["srcIp"]} ({message["srcPk"]}) topic '{topic}'{Environment.NewLine}{payload}";
    }

    private sealed record ReplyDestination(string Pk);

    /// <summary>Reply body; <c>dst</c> is left out (null is not sent) when the node should use the remembered sender.</summary>
    private sealed record ReplyBody(
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] ReplyDestination? Dst,
        byte[] Payload);
}
