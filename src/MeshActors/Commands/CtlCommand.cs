using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MeshActors.Node.Settings;

namespace MeshActors.Cli.Commands;

/// <summary><c>ctl actors|links|routes|names|exits|nat|stats|log-level|watch</c>: remote inspection of a running node over its API.</summary>
internal static class CtlCommand
{
    /// <summary>Refresh period of <c>ctl watch</c>, 1 s: throughput is shown per second.</summary>
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    public static Command Create(CliConsole console)
    {
        var command = new Command("ctl", "Inspect and steer a running node");
        command.Subcommands.Add(Simple(console, "actors", "Live actor tree: path, type, mailbox depth, restarts", "/api/v1/ctl/actors", RenderActors));
        command.Subcommands.Add(Simple(console, "links", "Per link: state, endpoint, RTT, loss, ring fill, drops", "/api/v1/admin/peers", RenderLinks));
        command.Subcommands.Add(Simple(console, "routes", "Selected routes", "/api/v1/admin/routes/selected", RenderRoutes));
        command.Subcommands.Add(NamesCommand.List(console, "names"));
        command.Subcommands.Add(Exits(console));
        command.Subcommands.Add(Nat(console));
        command.Subcommands.Add(Stats(console));
        command.Subcommands.Add(LogLevel(console));
        command.Subcommands.Add(Watch(console));
        return command;
    }

    private static Command Simple(CliConsole console, string name, string description, string path, Func<JsonArray, string> render)
    {
        var command = new Command(name, description);
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var answer = await ApiClient.SendAsync(http, HttpMethod.Get, path, null, ct);
            console.Out.WriteLine(parsed.GetValue(api.Json) ? ApiClient.Pretty(answer) : render(answer?.AsArray() ?? []));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Exits(CliConsole console)
    {
        var command = new Command("exits", "Exit prefixes served here, and each exit prefix's exits: reachable, packets sent through each");
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var answer = await ApiClient.SendAsync(http, HttpMethod.Get, "/api/v1/exits", null, ct);
            console.Out.WriteLine(parsed.GetValue(api.Json) ? ApiClient.Pretty(answer) : RenderExits(answer));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string RenderExits(JsonNode? view)
    {
        var serving = view?["serving"]?.AsArray().Select(prefix => prefix!.ToString()).ToList() ?? [];
        var rows = (view?["prefixes"]?.AsArray() ?? []).SelectMany(prefix => prefix!["exits"]!.AsArray().Select(exit => (IReadOnlyList<string>)
        [
            prefix["prefix"]!.ToString(),
            exit!["name"]?.ToString() ?? exit["publicKey"]!.ToString()[..8],
            exit["address"]!.ToString(),
            exit["reachable"]!.GetValue<bool>() ? "yes" : "no",
            exit["packets"]!.ToString(),
        ])).ToList();
        var head = serving.Count == 0 ? "this node is no exit" : $"this node is an exit for {string.Join(", ", serving)}";
        return head + "\n" + (rows.Count == 0 ? "no exits known" : Table.Render(["PREFIX", "EXIT", "ADDRESS", "REACHABLE", "PACKETS"], rows));
    }

    private static Command Nat(CliConsole console)
    {
        var command = new Command("nat", "NAT type inferred from the neighbours' reflections, reflexive endpoints, each neighbour's report");
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var nat = (await ApiClient.SendAsync(http, HttpMethod.Get, "/api/v1/admin", null, ct))?["nat"];
            if (parsed.GetValue(api.Json))
            {
                console.Out.WriteLine(ApiClient.Pretty(nat));
                return ExitCodes.Success;
            }

            if (nat is null)
            {
                console.Error.WriteLine("the node's NAT traversal actor did not answer");
                return ExitCodes.RuntimeFailure;
            }

            var reflexive = nat["reflexive"]!.AsArray().Select(r => r!.ToString()).ToList();
            console.Out.WriteLine($"type: {nat["type"]}{(nat["behindNat"]!.GetValue<bool>() ? " (behind NAT)" : "")}");
            console.Out.WriteLine($"reflexive: {(reflexive.Count == 0 ? "-" : string.Join(", ", reflexive))}");
            console.Out.WriteLine($"relay: {(nat["relay"]!.GetValue<bool>() ? "on" : "off (carries no traffic between other nodes)")}");
            var endpoints = nat["publicEndpoints"]!.AsArray().Select(e => e!.ToString()).ToList();
            console.Out.WriteLine($"role: {nat["role"]}{(endpoints.Count == 0 ? "" : " at " + string.Join(", ", endpoints))}");
            var relays = nat["relays"]!.AsArray();
            if (relays.Count > 0)
            {
                console.Out.WriteLine(Table.Render(
                    ["RELAY", "ENDPOINT", "LINKED", "DIALLED"],
                    relays.Select(r => (IReadOnlyList<string>)[
                        r!["publicKey"]!.ToString()[..8], r["endpoint"]!.ToString(), r["linked"]!.GetValue<bool>() ? "yes" : "no",
                        r["dialled"]!.GetValue<bool>() ? "yes" : "no"])));
            }

            var observers = nat["observers"]!.AsArray();
            console.Out.WriteLine(observers.Count == 0 ? "no UDP neighbour has reported yet" : Table.Render(
                ["NEIGHBOUR", "SEES THIS NODE AT"],
                observers.Select(o => (IReadOnlyList<string>)[o!["publicKey"]!.ToString()[..8], o["sees"]!.ToString()])));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Stats(CliConsole console)
    {
        var command = new Command("stats", "Non-zero counters from /metrics");
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var samples = (await http.GetStringAsync("/metrics", ct)).Split('\n')
                .Where(line => line.Length > 0 && line[0] != '#')
                .Select(line => (Name: line[..line.LastIndexOf(' ')], Value: line[(line.LastIndexOf(' ') + 1)..]))
                .Where(sample => sample.Value != "0")
                .ToList();
            console.Out.WriteLine(parsed.GetValue(api.Json)
                ? ApiClient.Pretty(new JsonObject(samples.Select(s => KeyValuePair.Create(s.Name, (JsonNode?)double.Parse(s.Value, CultureInfo.InvariantCulture)))))
                : Table.Render(["COUNTER", "VALUE"], samples.Select(s => (IReadOnlyList<string>)[s.Name, s.Value])));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command LogLevel(CliConsole console)
    {
        var level = new Argument<string>("LEVEL") { Description = LogLevels.Names };
        level.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var text }] && !LogLevels.TryParse(text, out _))
            {
                result.AddError($"log level '{text}' is not one of {LogLevels.Names}");
            }
        });
        var command = new Command("log-level", "Set the node's log level") { level };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var answer = await ApiClient.SendAsync(http, HttpMethod.Post, "/api/v1/ctl/log-level", new { level = parsed.GetValue(level) }, ct, $"ctl log-level '{parsed.GetValue(level)}'");
            console.Out.WriteLine($"log level {answer?["level"]}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Watch(CliConsole console)
    {
        var count = new Option<int>("--count") { Description = "Stop after this many refreshes (default: until Ctrl+C)" };
        var command = new Command("watch", "Links and throughput, refreshed every second") { count };
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            using var http = ApiClient.For(parsed, api);
            var previous = new Dictionary<string, (long In, long Out)>();
            for (var round = 0; parsed.GetValue(count) is var limit && (limit <= 0 || round < limit); round++)
            {
                if (round > 0)
                {
                    try
                    {
                        await Task.Delay(WatchInterval, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                var peers = (await ApiClient.SendAsync(http, HttpMethod.Get, "/api/v1/admin/peers", null, ct))?.AsArray() ?? [];
                var rows = peers.Select(peer =>
                {
                    var name = peer!["name"]!.GetValue<string>();
                    var actor = peer["actor"]?.GetValue<string>() ?? name;
                    var bytesIn = peer["stats"]?["bytesIn"]?.GetValue<long>() ?? 0;
                    var bytesOut = peer["stats"]?["bytesOut"]?.GetValue<long>() ?? 0;
                    var (lastIn, lastOut) = previous.GetValueOrDefault(actor, (bytesIn, bytesOut));
                    previous[actor] = (bytesIn, bytesOut);
                    return (IReadOnlyList<string>)[name, peer["state"]?.ToString() ?? "-", peer["endpoint"]?.ToString() ?? "-",
                        Rate(bytesIn - lastIn), Rate(bytesOut - lastOut)];
                }).ToList();
                console.Out.WriteLine($"--- {DateTime.Now:HH:mm:ss}");
                console.Out.WriteLine(rows.Count == 0 ? "no links" : Table.Render(["LINK", "STATE", "ENDPOINT", "IN/s", "OUT/s"], rows));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Rate(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MiB" : bytes >= 1 << 10 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";

    private static string RenderActors(JsonArray actors) => Table.Render(
        ["PATH", "TYPE", "MAILBOX", "RESTARTS"],
        actors.Select(a => (IReadOnlyList<string>)[a!["path"]!.ToString(), a["type"]!.ToString(), a["mailbox"]!.ToString(), a["restarts"]!.ToString()]));

    private static string RenderLinks(JsonArray peers) => peers.Count == 0 ? "no links" : Table.Render(
        ["LINK", "STATE", "ENDPOINT", "RTT ms", "LOSS", "RING", "DROPS"],
        peers.Select(p => (IReadOnlyList<string>)
        [
            p!["name"]!.ToString(), p["state"]?.ToString() ?? "-", p["endpoint"]?.ToString() ?? "-",
            p["rttMs"]?.GetValue<double>().ToString("0.0", CultureInfo.InvariantCulture) ?? "-",
            Loss.Format(p["loss"]),
            p["stats"] is { } s ? $"{s["ringFill"]}/{s["ringCapacity"]}" : "-",
            p["stats"]?["drops"]?.AsObject().Sum(d => d.Value!.GetValue<long>()).ToString(CultureInfo.InvariantCulture) ?? "0",
        ]));

    private static string RenderRoutes(JsonArray routes) => routes.Count == 0 ? "no routes" : Table.Render(
        ["PREFIX", "NEXT HOP", "METRIC", "ORIGINATOR"],
        routes.Select(r => (IReadOnlyList<string>)[r!["prefix"]!.ToString(), r["nextHop"]?.ToString() ?? "-", r["metric"]!.ToString(), r["originator"]!.ToString()]));
}
