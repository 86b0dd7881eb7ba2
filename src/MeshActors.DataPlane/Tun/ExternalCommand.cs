using System.ComponentModel;
using System.Diagnostics;

namespace MeshActors.DataPlane.Tun;

/// <summary>
/// Runs a short-lived configuration tool (ip, netsh) with an argument list and turns a non-zero exit into a
/// <see cref="TunDeviceException"/> that quotes the command line and the tool's own error text.
/// </summary>
/// <remarks>Control plane only: blocks the calling thread until the tool exits or the timeout passes.</remarks>
internal sealed class ExternalCommand(string program)
{
    /// <summary>How long one configuration command may take, in milliseconds, before it counts as hung.</summary>
    private const int TimeoutMilliseconds = 10_000;

    public string Program { get; } = program;

    /// <summary>Runs the tool; returns its standard output or throws with its standard error.</summary>
    public string Run(params string[] arguments)
    {
        var result = TryRun(arguments);
        if (result.ExitCode != 0)
        {
            throw new TunDeviceException($"'{Describe(arguments)}' failed (exit {result.ExitCode}): {result.Error.Trim()}");
        }

        return result.Output;
    }

    /// <summary>Runs the tool and reports its exit code and output without judging them.</summary>
    public CommandResult TryRun(params string[] arguments)
    {
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new TunDeviceException($"could not start '{Program}'");
        }
        catch (Win32Exception e)
        {
            throw new TunDeviceException($"could not start '{Program}' ({e.Message}); is it installed and on PATH?");
        }

        using (process)
        {
            // Read stderr concurrently so a chatty tool cannot fill one pipe while we wait on the other.
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeoutMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TunDeviceException($"'{Describe(arguments)}' did not finish within {TimeoutMilliseconds} ms");
            }

            return new CommandResult(process.ExitCode, output, error.GetAwaiter().GetResult());
        }
    }

    private string Describe(string[] arguments) => $"{Program} {string.Join(' ', arguments)}";
}

/// <summary>Exit code and captured text of one <see cref="ExternalCommand"/> run.</summary>
internal readonly record struct CommandResult(int ExitCode, string Output, string Error);
