using System.CommandLine;
using System.CommandLine.Help;
using MeshActors.Cli.Commands;
using MeshActors.Crypto;
using MeshActors.Node.Settings;

namespace MeshActors.Cli;

/// <summary>The <c>meshactors</c> command line: parses, dispatches, and maps failures to <see cref="ExitCodes"/>.</summary>
public static class MeshCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var console = new CliConsole(output, error);
        var root = BuildRootCommand(console);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }

            await error.WriteLineAsync($"Run '{Name} --help' for usage.");
            return ExitCodes.UsageOrConfig;
        }

        try
        {
            // Signals are left to the node's host, which shuts the actor system down cleanly.
            var invocation = new InvocationConfiguration
            {
                Output = output,
                Error = error,
                ProcessTerminationTimeout = null,
                EnableDefaultExceptionHandler = false,
            };
            return await parsed.InvokeAsync(invocation, cancellationToken);
        }
        catch (ConfigException e)
        {
            foreach (var problem in e.Errors)
            {
                await error.WriteLineAsync($"error: {problem}");
            }

            return ExitCodes.UsageOrConfig;
        }
        catch (KeyFileException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.KeyFile;
        }
        catch (CliFailure e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
    }

    /// <summary>The command's one name, in usage and errors, however it was started (<c>meshactors</c>, <c>dotnet MeshActors.dll</c>).</summary>
    public const string Name = "meshactors";

    internal static Command BuildRootCommand(CliConsole console)
    {
        // A plain command, not RootCommand, whose name would follow the executable's file name (MeshActors).
        var root = new Command(Name,
            "MeshActors: an encrypted, self-healing IPv6/IPv4 mesh router. Without a subcommand it runs a node (same as 'meshnode').")
        {
            new HelpOption(),
            new VersionOption(),
        };
        NodeCommand.Configure(root, console, isRoot: true);
        root.Subcommands.Add(NodeCommand.Create(console));
        root.Subcommands.Add(InspectCommand.Create(console));
        root.Subcommands.Add(KeygenCommand.Create(console));
        root.Subcommands.Add(RandomAddressCommands.CreateIpv4(console));
        root.Subcommands.Add(RandomAddressCommands.CreateIpv6(console));
        root.Subcommands.Add(PeersCommand.Create(console));
        root.Subcommands.Add(RoutesCommand.Create(console));
        root.Subcommands.Add(NamesCommand.Create(console));
        root.Subcommands.Add(NameToIpv6Command.Create(console));
        root.Subcommands.Add(MessageCommand.Create(console));
        root.Subcommands.Add(CtlCommand.Create(console));
        root.Subcommands.Add(TunnelCommand.Create(console));
        return root;
    }
}

/// <summary>Where commands write; tests pass their own writers.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error);

/// <summary>A command failed in a way the user can act on; the message is printed as one line.</summary>
public sealed class CliFailure(string message, int exitCode = ExitCodes.RuntimeFailure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
