using System.CommandLine;
using MeshActors.Crypto;

namespace MeshActors.Cli.Commands;

/// <summary><c>keygen [PATH]</c>: write a new secret key file (never overwrites one).</summary>
internal static class KeygenCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("PATH") { Description = "Where to write the key file", DefaultValueFactory = _ => "priv_key.bin" };
        var command = new Command("keygen", "Create a new secret key file (mode 0600) and print its public key");
        command.Arguments.Add(path);
        command.SetAction(parsed =>
        {
            var file = parsed.GetValue(path)!;
            if (File.Exists(file))
            {
                throw new KeyFileException(file, "already exists; refusing to overwrite a key (move it away first)");
            }

            using var identity = KeyFile.Create(file);
            console.Out.WriteLine($"Created {file}");
            console.Out.WriteLine($"Public key: {identity.Public}");
            console.Out.WriteLine($"Address: {OverlayAddressing.DeriveAddress(identity.Public, OverlayAddressing.DefaultPrefix)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
