using System.CommandLine;
using System.Text.Json.Nodes;

namespace MeshActors.Cli.Commands;

/// <summary><c>peers list|add|remove</c> against a running node's API.</summary>
internal static class PeersCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("peers", "List, add or remove a running node's peers");
        command.Subcommands.Add(List(console));
        command.Subcommands.Add(Add(console));
        command.Subcommands.Add(Remove(console));
        return command;
    }

    private static Command List(CliConsole console)
    {
        var command = new Command("list", "Show every peer: state, endpoint, key, RTT, loss, traffic");
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var peers = await ApiClient.SendAsync(http, HttpMethod.Get, "/api/v1/admin/peers", null, ct);
            console.Out.WriteLine(parsed.GetValue(api.Json) ? ApiClient.Pretty(peers) : Render(peers?.AsArray() ?? []));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Add(CliConsole console)
    {
        var uri = new Argument<string>("URI") { Description = "[PUBKEY@]tcp://HOST:PORT, udp://… or quic://…" };
        var command = new Command("add", "Add a peer to dial") { uri };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            await ApiClient.SendAsync(http, HttpMethod.Post, "/api/v1/admin/peers", new { endpoint = parsed.GetValue(uri) }, ct, $"peers add '{parsed.GetValue(uri)}'");
            console.Out.WriteLine($"added {parsed.GetValue(uri)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Remove(CliConsole console)
    {
        var target = new Argument<string>("KEY|URI") { Description = "The peer's public key or its URI as listed" };
        var command = new Command("remove", "Remove a peer (closes its link)") { target };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            await ApiClient.SendAsync(http, HttpMethod.Delete, $"/api/v1/admin/peers/{Uri.EscapeDataString(parsed.GetValue(target)!)}", null, ct, $"peers remove '{parsed.GetValue(target)}'");
            console.Out.WriteLine($"removed {parsed.GetValue(target)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Render(JsonArray peers) => peers.Count == 0
        ? "no peers"
        : Table.Render(
            ["NAME", "STATE", "ENDPOINT", "PUBLIC KEY", "RTT ms", "LOSS", "IN", "OUT", "LAST ERROR"],
            peers.Select(p => (IReadOnlyList<string>)
            [
                Text(p?["name"]), Text(p?["state"]), Text(p?["endpoint"]), Short(Text(p?["publicKey"])),
                p?["rttMs"] is { } rtt ? rtt.GetValue<double>().ToString("0.00") : "-",
                Loss.Format(p?["loss"]),
                Bytes(p?["stats"]?["bytesIn"]), Bytes(p?["stats"]?["bytesOut"]), Text(p?["lastError"]),
            ]));

    private static string Text(JsonNode? node) => node?.GetValue<object>()?.ToString() ?? "-";

    private static string Short(string key) => key.Length > 16 ? key[..16] + "…" : key;

    private static string Bytes(JsonNode? node) => node is null ? "-" : $"{node.GetValue<long>():N0} B";
}
