using System.CommandLine;
using System.Text.Json;
using MeshActors.Crypto;
using MeshActors.Node.Settings;

namespace MeshActors.Cli.Commands;

/// <summary><c>inspect [PUBKEY] [--json]</c>: a public key and its overlay address (own key when none is given).</summary>
internal static class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new NodeOptions();
        var key = new Argument<string?>("PUBKEY") { Description = "A public key (64 hex characters); default: this node's own key", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print {\"publicKey\": …, \"address\": …} as JSON" };
        var command = new Command("inspect", "Show a public key and the overlay address derived from it");
        command.Arguments.Add(key);
        command.Options.Add(json);
        options.AddTo(command, keyFileOnly: true);
        command.SetAction(parsed =>
        {
            var settings = options.Load(parsed);
            var identity = ResolveIdentity(parsed.GetValue(key), settings);
            var address = OverlayAddressing.DeriveAddress(identity, settings.OverlayPrefix).ToString();
            if (parsed.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(new InspectResult(identity.ToString(), address), CliJson.Default.InspectResult));
            }
            else
            {
                console.Out.WriteLine($"Public key: {identity}");
                console.Out.WriteLine($"Address: {address}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static PublicIdentity ResolveIdentity(string? keyText, NodeSettings settings)
    {
        if (keyText is not null)
        {
            return PublicIdentity.TryParse(keyText, out var given)
                ? given
                : throw new CliFailure($"'{keyText}' is not a public key (64 hex characters of a valid Ed25519 key)", ExitCodes.UsageOrConfig);
        }

        var (own, _) = KeyFile.LoadOrCreate(settings.KeyFile);
        using (own)
        {
            return own.Public;
        }
    }
}

internal sealed record InspectResult(string PublicKey, string Address);
