using System.CommandLine;
using System.Text.Json.Nodes;

namespace MeshActors.Cli.Commands;

/// <summary><c>names list</c> (also <c>ctl names</c>): the mesh's name records as a running node sees them.</summary>
internal static class NamesCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("names", "The mesh's names as a running node sees them");
        command.Subcommands.Add(List(console, "list"));
        return command;
    }

    /// <summary>The listing command, under <paramref name="name"/> ("list" under names, "names" under ctl).</summary>
    public static Command List(CliConsole console, string name)
    {
        var command = new Command(name, "Every live name record: name, owner or refused, key, overlay and IPv4 address; and this node's own claim");
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var answer = await ApiClient.SendAsync(http, HttpMethod.Get, "/api/v1/names", null, ct);
            console.Out.WriteLine(parsed.GetValue(api.Json) ? ApiClient.Pretty(answer) : Render(answer));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Render(JsonNode? answer)
    {
        var self = answer?["self"];
        var status = self?["status"]?.GetValue<string>() ?? "?";
        var ownLine = status switch
        {
            "owner" => $"this node: '{self?["name"]}' (owner)",
            "refused" => $"this node: '{self?["name"]}' REFUSED, owned by {self?["owner"]}",
            "invalid" => "this node: node-name is not a DNS label, not announced",
            _ => "this node: no node-name",
        };
        var names = answer?["names"]?.AsArray() ?? [];
        var table = Table.Render(
            ["NAME", "STATUS", "KEY", "ADDRESS", "IPV4", "EXPIRES"],
            names.Select(n => (IReadOnlyList<string>)
            [
                n?["name"]?.GetValue<string>() is { Length: > 0 } named ? named : "-",
                n?["name"]?.GetValue<string>() is { Length: > 0 } ? (n?["owner"]?.GetValue<bool>() == true ? "owner" : "refused") : "-",
                Short(n?["publicKey"]?.GetValue<string>() ?? "-"),
                n?["address"]?.GetValue<string>() ?? "-",
                n?["ipv4"]?.GetValue<string>() ?? "-",
                n?["expiresAt"]?.GetValue<string>() ?? "-",
            ]));
        return ownLine + Environment.NewLine + table;
    }

    private static string Short(string key) => key.Length > 16 ? key[..16] + "…" : key;
}
