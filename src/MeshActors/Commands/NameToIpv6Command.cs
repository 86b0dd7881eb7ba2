using System.CommandLine;
using System.Net;
using MeshActors.Protocol.Names;

namespace MeshActors.Cli.Commands;

/// <summary>
/// <c>name-to-ipv6 NAME</c>: the overlay address of the node that owns NAME in the mesh (asked of a running node),
/// or, when nobody announced it or with <c>--offline</c>, Smolmesh2's deterministic hash of the name (fd00::/16).
/// </summary>
internal static class NameToIpv6Command
{
    public static Command Create(CliConsole console)
    {
        var name = new Argument<string>("NAME") { Description = "A node name" };
        var offline = new Option<bool>("--offline") { Description = "Do not ask a node: print the hash form of the name" };
        var command = new Command("name-to-ipv6", "The owner's overlay address of a name, else its deterministic hash address (Smolmesh2's form)");
        command.Arguments.Add(name);
        command.Options.Add(offline);
        var api = ApiOptions.AddTo(command);
        command.SetAction(async (parsed, ct) =>
        {
            var text = parsed.GetValue(name) ?? "";
            if (text.Length == 0)
            {
                throw new CliFailure("NAME must not be empty", ExitCodes.UsageOrConfig);
            }

            var announced = !parsed.GetValue(offline) && NameSyntax.IsValid(text.ToLowerInvariant())
                ? await AskNodeAsync(parsed, api, text.ToLowerInvariant(), ct)
                : null;
            console.Out.WriteLine((announced ?? HashedNameAddress.For(text)).ToString());
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The owner's address, or null when the node knows no owner (404).</summary>
    private static async Task<IPAddress?> AskNodeAsync(ParseResult parsed, ApiOptions api, string name, CancellationToken ct)
    {
        using var http = ApiClient.For(parsed, api);
        try
        {
            var answer = await ApiClient.SendAsync(http, HttpMethod.Get, $"/api/v1/names/{name}", null, ct);
            return IPAddress.TryParse(answer?["address"]?.GetValue<string>(), out var address) ? address : null;
        }
        catch (CliFailure e) when (e.Message.StartsWith("404:", StringComparison.Ordinal))
        {
            return null;
        }
    }
}
