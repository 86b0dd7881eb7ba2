using System.CommandLine;
using System.Text.Json.Nodes;

namespace MeshActors.Cli.Commands;

/// <summary><c>routes selected|fallback|queried</c> against a running node's API.</summary>
internal static class RoutesCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("routes", "Show a running node's routes");
        foreach (var (view, description) in new[]
        {
            ("selected", "Routes in use: prefix, next hop, metric"),
            ("fallback", "Known feasible routes not in use"),
            ("queried", "Destinations whose route is being refreshed (seqno requests in flight)"),
        })
        {
            command.Subcommands.Add(View(console, view, description));
        }

        return command;
    }

    private static Command View(CliConsole console, string view, string description)
    {
        var command = new Command(view, description);
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var routes = await ApiClient.SendAsync(http, HttpMethod.Get, $"/api/v1/admin/routes/{view}", null, ct);
            console.Out.WriteLine(parsed.GetValue(api.Json) ? ApiClient.Pretty(routes) : Render(routes?.AsArray() ?? []));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Render(JsonArray routes) => routes.Count == 0
        ? "no routes"
        : Table.Render(
            ["PREFIX", "NEXT HOP", "METRIC", "SEQNO", "ORIGINATOR"],
            routes.Select(r => (IReadOnlyList<string>)
            [
                r?["prefix"]?.GetValue<string>() ?? "-",
                Short(r?["nextHop"]?.GetValue<string>() ?? "-"),
                r?["metric"]?.GetValue<int>().ToString() ?? "-",
                r?["seqno"]?.GetValue<int>().ToString() ?? "-",
                Short(r?["originator"]?.GetValue<string>() ?? "-"),
            ]));

    private static string Short(string key) => key.Length > 16 ? key[..16] + "…" : key;
}
