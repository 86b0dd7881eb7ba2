namespace MeshActors.DataPlane.Tests.Tun;

/// <summary>
/// A fact that needs a real Linux TUN device: skipped, with the reason, unless the test runs on Linux as root
/// with /dev/net/tun present and the iproute2 <c>ip</c> tool installed.
/// </summary>
public sealed class LinuxTunFactAttribute : FactAttribute
{
    public LinuxTunFactAttribute()
    {
        Skip = MissingPrerequisite();
    }

    private static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Linux TUN tests run on Linux only";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "Linux TUN tests need root (CAP_NET_ADMIN)";
        }

        if (!File.Exists("/dev/net/tun"))
        {
            return "Linux TUN tests need /dev/net/tun";
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "ip")));
        return onPath ? null : "Linux TUN tests need the iproute2 'ip' tool";
    }
}
