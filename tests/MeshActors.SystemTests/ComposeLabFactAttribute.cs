namespace MeshActors.SystemTests;

/// <summary>
/// A fact that runs Docker compose labs: skipped, with the reason, unless running as root on Linux with the Docker
/// engine, docker-compose and a built node; a test also skips itself when the engine cannot start
/// (<see cref="DockerEngineFixture.Unavailable"/>).
/// </summary>
public sealed class ComposeLabFactAttribute : SkippableFactAttribute
{
    public ComposeLabFactAttribute()
    {
        Skip = MissingPrerequisite();
    }

    internal static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            return "compose labs need Linux and root";
        }

        if (!Shell.OnPath("docker") || !Shell.OnPath("docker-compose") || !(Shell.OnPath("dockerd") || File.Exists("/var/run/docker.sock")))
        {
            return "compose labs need Docker (apt-get install docker.io docker-compose debootstrap)";
        }

        return (File.Exists(RepoPaths.ReleaseDll) ? null : "node not built in Release (dotnet build -c Release src/MeshActors)")
               ?? (File.Exists("/dev/net/tun") ? null : "nodes need /dev/net/tun");
    }
}
