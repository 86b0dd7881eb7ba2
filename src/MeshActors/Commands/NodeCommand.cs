using System.CommandLine;
using MeshActors.Crypto;
using MeshActors.Node.Hosting;
using MeshActors.Node.Settings;
using Serilog.Core;

namespace MeshActors.Cli.Commands;

/// <summary><c>meshnode [CONFIG]</c>: run a node until SIGINT/SIGTERM. Also the root command's action.</summary>
internal static class NodeCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("meshnode", "Run a node (the default when no subcommand is given)");
        Configure(command, console, isRoot: false);
        return command;
    }

    /// <param name="isRoot">
    /// The root command also reads a first word as CONFIG: one that names no file and does not look like a path
    /// (no '/' and no '.') is taken for a mistyped command instead, and the commands are listed.
    /// </param>
    public static void Configure(Command command, CliConsole console, bool isRoot)
    {
        var options = new NodeOptions();
        var configArgument = new Argument<FileInfo?>("CONFIG") { Description = "HOCON config file (same as --config)", Arity = ArgumentArity.ZeroOrOne };
        configArgument.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var text }] && text.StartsWith('-'))
            {
                result.AddError($"unknown option '{text}'");
            }
            else if (isRoot && result.Tokens is [{ Value: var word }] && !File.Exists(word) && !word.Contains('/') && !word.Contains('.'))
            {
                result.AddError($"unknown command '{word}'; commands: {string.Join(", ", command.Subcommands.Select(c => c.Name))} (a config file is given as a path, e.g. ./{word}.hocon)");
            }
        });
        command.Arguments.Add(configArgument);
        options.AddTo(command);
        var mesh = new Option<string?>("--mesh") { Description = "Run only this mesh of a config that defines several (meshactors.meshes)", HelpName = "NAME" };
        command.Options.Add(mesh);
        command.SetAction((parsed, cancellationToken) =>
        {
            var configPath = (parsed.GetValue(configArgument) ?? parsed.GetValue(options.Config))?.FullName;
            if (parsed.GetValue(mesh) is null && HoconSource.Load(configPath).MeshNames is { Count: > 0 } meshes)
            {
                // Checks every mesh and bridge first: a config error stops here with all its problems, exit 2.
                SettingsLoader.LoadMeshes(HoconSource.Load(configPath), options.Overrides(parsed));
                return MeshSupervisor.RunAsync(meshes, [.. parsed.Tokens.Select(token => token.Value)], console, cancellationToken);
            }

            if (parsed.GetValue(mesh) is not null && !ParentDeathSignal.Arm())
            {
                throw new CliFailure("the mesh supervisor that started this node is gone");
            }

            return RunAsync(options.Load(parsed, parsed.GetValue(configArgument), parsed.GetValue(mesh)), cancellationToken);
        });
    }

    private static async Task<int> RunAsync(Node.Settings.NodeSettings settings, CancellationToken cancellationToken)
    {
        var levelSwitch = new LoggingLevelSwitch(settings.LogLevel);
        await using var logger = NodeLogging.CreateLogger(levelSwitch);
        var (identity, created) = KeyFile.LoadOrCreate(settings.KeyFile);
        using (identity)
        {
            if (created)
            {
                logger.Information("Created key file {KeyFile} (mode 0600)", Path.GetFullPath(settings.KeyFile));
            }

            NodeRuntime node;
            try
            {
                node = await NodeRuntime.StartAsync(settings, identity, logger, levelSwitch, cancellationToken);
            }
            catch (NodeStartException e)
            {
                throw new CliFailure(e.Message);
            }

            await using (node)
            {
                logger.Information(
                    "Node {Name} up: public key {PublicKey}, address {Address}, subnet {Subnet}, API http://{Api}",
                    node.Info.NodeName, node.Info.PublicKey, node.Info.Address, node.Info.Subnet, node.ApiEndPoint);
                await using var stopOnCancel = cancellationToken.Register(() => _ = node.StopAsync());
                await node.WaitForShutdownAsync(CancellationToken.None);
                logger.Information("Node {Name} stopped", node.Info.NodeName);
                if (node.FailureMessage is { } failure)
                {
                    throw new CliFailure(failure);
                }
            }
        }

        return ExitCodes.Success;
    }
}
