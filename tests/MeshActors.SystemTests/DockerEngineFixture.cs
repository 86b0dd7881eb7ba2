namespace MeshActors.SystemTests;

/// <summary>
/// The Docker engine and node image for one test class: starts a private engine when none answers (deploy/lab/
/// compose-lab.sh engine start), makes the base image (cached) and the node image from the Release build once,
/// and stops only an engine it started, undoing its changes to the host's network namespace. When the engine
/// cannot start, <see cref="Unavailable"/> says why and the tests skip. Tests that only read from the line lab share
/// one (<see cref="Line"/>), which saves a start-up and convergence per test.
/// </summary>
public sealed class DockerEngineFixture : IDisposable
{
    private readonly Lazy<ComposeLab> line = new(() => ComposeLab.Up("line"));

    public DockerEngineFixture()
    {
        if (ComposeLabFactAttribute.MissingPrerequisite() is not null)
        {
            return;
        }

        var engine = ComposeLab.Run("engine", "start");
        if (engine.ExitCode != 0)
        {
            Unavailable = $"the Docker engine cannot start here: {engine.Error.Trim()}";
            return;
        }

        ComposeLab.Script("image", "--no-build");
    }

    /// <summary>Why Docker cannot run here; null when it can.</summary>
    public string? Unavailable { get; }

    /// <summary>The line lab, started at the first use; tests must not change it (no disconnects, no restarts).</summary>
    internal ComposeLab Line => line.Value;

    public void Dispose()
    {
        if (line.IsValueCreated)
        {
            line.Value.Dispose();
        }

        if (ComposeLabFactAttribute.MissingPrerequisite() is null)
        {
            ComposeLab.Run("engine", "stop");
        }
    }
}
