using System.Diagnostics;

namespace MeshActors.SystemTests;

/// <summary>Runs a program to completion and captures what it printed.</summary>
internal static class Shell
{
    /// <summary>Longest a lab command may run, in milliseconds (lab.sh down waits up to 5 s per node).</summary>
    private const int TimeoutMilliseconds = 60_000;

    public static CommandOutput Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeoutMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} took longer than {TimeoutMilliseconds} ms");
        }

        return new CommandOutput(process.ExitCode, output, error.GetAwaiter().GetResult());
    }

    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));
}

internal readonly record struct CommandOutput(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
