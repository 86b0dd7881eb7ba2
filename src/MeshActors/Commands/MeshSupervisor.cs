using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MeshActors.Cli.Commands;

/// <summary>
/// A config with <c>meshes</c>: one node process per mesh (<c>dotnet MeshActors.dll … --mesh NAME</c>, the same
/// arguments otherwise), each a whole node with its own key, TUN device and API, so nothing of one mesh's node is
/// shared with another's. Their output comes through prefixed <c>[NAME]</c>. SIGINT/SIGTERM here stops them all (each
/// gets SIGTERM, then SIGKILL after <see cref="StopTimeout"/>); when one exits by itself, the others are stopped and
/// its exit code is this process's.
/// </summary>
internal static class MeshSupervisor
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(IReadOnlyList<string> meshes, IReadOnlyList<string> arguments, CliConsole console, CancellationToken cancellationToken)
    {
        // No host handles signals here (each node's does, in its own process): SIGTERM and SIGINT stop the children.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, stop));
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, stop));
        cancellationToken = stop.Token;
        var children = new List<(string Name, Process Process)>();
        try
        {
            foreach (var mesh in meshes)
            {
                children.Add((mesh, Start(mesh, arguments, console)));
            }

            var exits = children.Select(child => child.Process.WaitForExitAsync(CancellationToken.None)).ToList();
            var stopping = Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            var first = await Task.WhenAny([.. exits, stopping]);
            (string Name, Process Process)? early = first == stopping ? null : children[exits.IndexOf(first)];
            if (early is { } gone)
            {
                console.Error.WriteLine($"[{gone.Name}] node exited with code {gone.Process.ExitCode}; stopping the other meshes");
            }

            await StopAllAsync(children);
            return early is { Process.ExitCode: not 0 and var code } ? code
                : children.Select(child => child.Process.ExitCode).FirstOrDefault(code => code != 0);
        }
        finally
        {
            foreach (var (_, process) in children)
            {
                process.Dispose();
            }
        }
    }

    private static void Stop(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }

    private static Process Start(string mesh, IReadOnlyList<string> arguments, CliConsole console)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment[ParentDeathSignal.Variable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.ArgumentList.Add(typeof(MeshCli).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--mesh");
        start.ArgumentList.Add(mesh);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Write(console.Out, mesh, line.Data);
        process.ErrorDataReceived += (_, line) => Write(console.Error, mesh, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        console.Out.WriteLine($"[{mesh}] node process {process.Id} started");
        return process;
    }

    private static void Write(TextWriter writer, string mesh, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (writer)
        {
            writer.WriteLine($"[{mesh}] {line}");
        }
    }

    private static async Task StopAllAsync(List<(string Name, Process Process)> children)
    {
        foreach (var (_, process) in children.Where(child => !child.Process.HasExited))
        {
            _ = Tmds.Linux.LibC.kill(process.Id, Tmds.Linux.LibC.SIGTERM);
        }

        using var patience = new CancellationTokenSource(StopTimeout);
        foreach (var (_, process) in children)
        {
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }
}
