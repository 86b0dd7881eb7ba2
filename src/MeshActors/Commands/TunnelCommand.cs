using System.CommandLine;
using System.Text.Json.Nodes;

namespace MeshActors.Cli.Commands;

/// <summary><c>tunnel tcp|udp LOCAL_PORT NODE:PORT</c>, <c>tunnel list</c>, <c>tunnel close ID</c> against a running
/// node's API: the node holds the tunnel until it is closed or the node stops.</summary>
internal static class TunnelCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("tunnel", "Open, list or close port tunnels of a running node");
        command.Subcommands.Add(Open(console, "tcp"));
        command.Subcommands.Add(Open(console, "udp"));
        command.Subcommands.Add(List(console));
        command.Subcommands.Add(Close(console));
        return command;
    }

    private static Command Open(CliConsole console, string protocol)
    {
        var local = new Argument<int>("LOCAL_PORT") { Description = "Port to listen on, on 127.0.0.1" };
        var target = new Argument<string>("NODE:PORT") { Description = "Node name, public key or overlay address, and a port it exposes (tunnels.expose)" };
        var command = new Command(protocol, $"Carry {protocol.ToUpperInvariant()} on 127.0.0.1:LOCAL_PORT to PORT on NODE's loopback") { local, target };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var input = $"tunnel {protocol} {parsed.GetValue(local)} '{parsed.GetValue(target)}'";
            var opened = await ApiClient.SendAsync(
                http, HttpMethod.Post, "/api/v1/tunnels", new { protocol, listen = parsed.GetValue(local), target = parsed.GetValue(target) }, ct, input);
            console.Out.WriteLine(parsed.GetValue(api.Json)
                ? ApiClient.Pretty(opened)
                : $"tunnel {opened?["id"]}: {protocol} {opened?["listen"]} -> {opened?["target"]}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CliConsole console)
    {
        var command = new Command("list", "Show the tunnels this node opened and the ports it exposes");
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var status = await ApiClient.SendAsync(http, HttpMethod.Get, "/api/v1/tunnels", null, ct);
            console.Out.WriteLine(parsed.GetValue(api.Json) ? ApiClient.Pretty(status) : Render(status));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Close(CliConsole console)
    {
        var id = new Argument<int>("ID") { Description = "The tunnel's id as listed" };
        var command = new Command("close", "Close a tunnel (its streams end)") { id };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            await ApiClient.SendAsync(http, HttpMethod.Delete, $"/api/v1/tunnels/{parsed.GetValue(id)}", null, ct, $"tunnel close {parsed.GetValue(id)}");
            console.Out.WriteLine($"closed tunnel {parsed.GetValue(id)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Render(JsonNode? status)
    {
        var tunnels = status?["tunnels"]?.AsArray() ?? [];
        var table = tunnels.Count == 0
            ? "no tunnels"
            : Table.Render(
                ["ID", "PROTOCOL", "LISTEN", "TARGET", "STREAMS"],
                tunnels.Select(t => (IReadOnlyList<string>)
                [
                    $"{t?["id"]}", $"{t?["protocol"]}", $"{t?["listen"]}", $"{t?["target"]}", $"{t?["streams"]}",
                ]));
        var exposed = status?["exposed"]?.AsArray().Select(e => e?.GetValue<string>()).ToList() ?? [];
        return $"{table}\nexposed: {(exposed.Count == 0 ? "nothing (tunnels.expose)" : string.Join(", ", exposed))}";
    }
}
