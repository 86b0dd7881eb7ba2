using System.CommandLine;

namespace MeshActors.Cli.Commands;

/// <summary>The options every command that talks to a running node takes: which node, its token, and JSON output.</summary>
internal sealed record ApiOptions(Option<string?> Node, Option<FileInfo?> Config, Option<string?> Token, Option<bool> Json)
{
    /// <summary>Creates the options and adds them to <paramref name="command"/>.</summary>
    public static ApiOptions AddTo(Command command)
    {
        var options = new ApiOptions(
            new Option<string?>("--node") { Description = "API of the node to talk to, e.g. http://127.0.0.1:8989 (default: api.address of the config)" },
            new Option<FileInfo?>("--config", "-c") { Description = "Config file whose api.address names the node" },
            new Option<string?>("--token") { Description = "Bearer token of the node's API (api.token)" },
            new Option<bool>("--json") { Description = "Print the API's JSON instead of a table" });
        command.Options.Add(options.Node);
        command.Options.Add(options.Config);
        command.Options.Add(options.Token);
        command.Options.Add(options.Json);
        return options;
    }
}
