using System.Text.Json;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// A port tunnel between whole nodes in the namespace line A—B—C: C exposes tcp/5201, where an iperf3 server listens;
/// A opens <c>meshactors tunnel tcp 15201 c:5201</c> and an iperf3 client at A's 127.0.0.1:15201 runs through it,
/// relayed by B. The same run over the overlay's TUN path is the reference figure.
/// </summary>
public sealed class TunnelLabTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    private const int IperfSeconds = 5;

    private static string Dll => RepoPaths.NodeDll()!;

    [NodeLabFact]
    public void A_tcp_tunnel_from_a_to_c_carries_an_iperf3_run_relayed_by_b()
    {
        Assert.True(Shell.OnPath("iperf3"), "iperf3 is needed (Debian: iperf3)");
        using var lab = Lab.Up("line");
        lab.Start(Dll, expose: "tcp/5201");
        var c = lab.OverlayAddress(Dll, "C");
        Assert.True(lab.PingsWithin("A", c.ToString(), Convergence), $"A cannot ping C at {c}\n" + Lab.LogTails());

        var pidFile = Path.Combine(Path.GetTempPath(), $"{Lab.Prefix}-iperf3-{Guid.NewGuid():N}.pid");
        var server = lab.Exec("C", "iperf3", "-s", "-D", "-p", "5201", "--pidfile", pidFile);
        Assert.True(server.ExitCode == 0, $"iperf3 server: {server}");
        try
        {
            var opened = lab.Exec("A", "dotnet", Dll, "tunnel", "tcp", "15201", "c:5201");
            Assert.True(opened.ExitCode == 0, $"tunnel: {opened}");

            // C's name record reaches A a few update rounds after its route: retry until a run goes through.
            var tunnelled = IperfWithin(lab, "127.0.0.1", 15201);
            output.WriteLine($"iperf3 A -> C through the tunnel: {Describe(tunnelled)}");
            var direct = IperfWithin(lab, c.ToString(), 5201);
            output.WriteLine($"iperf3 A -> C over the TUN path: {Describe(direct)}");

            var atA = lab.Exec("A", "curl", "-sS", "http://127.0.0.1:8989/api/v1/tunnels").Output;
            var atC = lab.Exec("C", "curl", "-sS", "http://127.0.0.1:8989/api/v1/tunnels").Output;
            Assert.True(Counter(atA, "streams_opened") >= 2, atA);
            Assert.True(Counter(atC, "streams_accepted") >= 2, atC);
            Assert.Equal(0, Counter(atC, "refused_not_exposed"));
            Assert.True(Counter(atA, "bytes_sent") >= tunnelled.Bytes, atA);
        }
        finally
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                Shell.Run("kill", pid.ToString());
            }

            File.Delete(pidFile);
        }
    }

    private static (long Bytes, double MbitPerSecond) IperfWithin(Lab lab, string host, int port)
    {
        var deadline = DateTime.UtcNow + Convergence;
        while (true)
        {
            var run = lab.Exec("A", "iperf3", "-J", "-c", host, "-p", $"{port}", "-t", $"{IperfSeconds}", "--connect-timeout", "3000");
            if (run.ExitCode == 0)
            {
                using var json = JsonDocument.Parse(run.Output);
                var received = json.RootElement.GetProperty("end").GetProperty("sum_received");
                var result = (received.GetProperty("bytes").GetInt64(), received.GetProperty("bits_per_second").GetDouble() / 1e6);
                Assert.True(result.Item1 > 0, $"iperf3 carried nothing: {run.Output}");
                return result;
            }

            Assert.True(DateTime.UtcNow < deadline, $"iperf3 to {host}:{port} never ran: {run}\n" + Lab.LogTails());
            Thread.Sleep(1000);
        }
    }

    private static string Describe((long Bytes, double MbitPerSecond) run) => $"{run.Bytes} bytes in {IperfSeconds} s, {run.MbitPerSecond:0} Mbit/s";

    private static long Counter(string tunnelsJson, string name) =>
        JsonDocument.Parse(tunnelsJson).RootElement.GetProperty("counters").GetProperty(name).GetInt64();
}
