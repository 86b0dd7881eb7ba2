using System.Diagnostics;

namespace MeshActors.DataPlane.Tests.Tun;

/// <summary>Reads the kernel's view of interfaces, addresses and routes with iproute2, as an operator would.</summary>
internal static class IpShow
{
    public static bool LinkExists(string name) => Run("link", "show", "dev", name).ExitCode == 0;

    public static string Link(string name) => Run("link", "show", "dev", name).Output;

    public static string Addresses(string name) => Run("address", "show", "dev", name).Output;

    /// <summary>All routes of both families through <paramref name="name"/> ("" once the interface is gone).</summary>
    public static string Routes(string name) =>
        Run("-6", "route", "show", "dev", name).Output + Run("-4", "route", "show", "dev", name).Output;

    /// <summary>Routes to exactly <paramref name="prefix"/> in the main table, whatever their device.</summary>
    public static string RouteTo(string prefix) =>
        Run(prefix.Contains(':') ? "-6" : "-4", "route", "show", "exact", prefix).Output;

    /// <summary>
    /// Waits until the kernel delivers packets to <paramref name="address"/> locally. An IPv6 address gets its local
    /// route from a kernel work item after <c>ip address add</c> returns, and under load that can take a while; a packet
    /// written into the device before then is not for this host yet and is lost.
    /// </summary>
    public static void WaitUntilLocal(string address)
    {
        var stop = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!Run("-6", "route", "show", "table", "local", "exact", address).Output.Contains("local", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > stop)
            {
                throw new TimeoutException($"{address} has no local route after 30 s");
            }

            Thread.Sleep(10);
        }
    }

    private static (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
