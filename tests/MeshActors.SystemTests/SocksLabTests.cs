using System.Net;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// The SOCKS5 gateway between whole nodes in a namespace line A—B—C, where A and C reach each other only through the
/// overlay: curl at A, through A's gateway, fetches a page from an HTTP server bound to C's overlay address, once by
/// C's name (resolved by A's gateway from the name records, not DNS: no node serves DNS here) and once by address;
/// and an address outside the overlay (B's underlay address, the kernel's own route from A) goes where the kernel
/// routes it.
/// </summary>
public sealed class SocksLabTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    private const string Gateway = "127.0.0.1:1080";

    /// <summary>The HTTP server's port on C's overlay address (below 32768, inside the lab's namespaces only).</summary>
    private const int HttpPort = 8080;

    private static string Dll => RepoPaths.NodeDll()!;

    [NodeLabFact]
    public async Task Curl_through_the_socks_gateway_reaches_http_servers_on_another_node_by_name_and_by_address_and_outside_the_overlay()
    {
        Assert.True(Shell.OnPath("curl"), "curl is needed (Debian: curl)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var lab = Lab.Up("line");
        lab.Start(Dll, socks: Gateway);
        var c = lab.OverlayAddress(Dll, "C");
        Assert.True(lab.PingsWithin("A", c.ToString(), Convergence), $"A cannot ping C at {c}\n" + Lab.LogTails());
        output.WriteLine($"A pings C at {c} after {clock.Elapsed.TotalSeconds:0.0} s");

        var body = $"hello from C {Guid.NewGuid():N}";
        await using var server = new TinyHttpServer($"{Lab.Prefix}-C", new IPEndPoint(c, HttpPort), body);

        Assert.Equal(body, CurlWithin(lab, $"http://c.mesh:{HttpPort}/"));
        output.WriteLine($"by name after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(body, CurlWithin(lab, $"http://[{c}]:{HttpPort}/"));
        output.WriteLine($"by address after {clock.Elapsed.TotalSeconds:0.0} s");

        // Outside the overlay: B's underlay address on the A—B link, routed by A's kernel over the veth, not the mesh.
        var underlay = IPAddress.Parse("10.210.1.2");
        var outside = $"outside the mesh {Guid.NewGuid():N}";
        await using (var onB = new TinyHttpServer($"{Lab.Prefix}-B", new IPEndPoint(underlay, HttpPort), outside))
        {
            Assert.Equal(outside, CurlWithin(lab, $"http://{underlay}:{HttpPort}/"));
            Assert.Equal(1, onB.Answered);
        }

        // A name in the mesh's domain that nobody owns is refused by the gateway (reply 4), never asked of DNS.
        var unknown = Curl(lab, $"http://nobody.mesh:{HttpPort}/");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Equal(2, server.Answered);

        var metrics = lab.Exec("A", "curl", "-sS", "http://127.0.0.1:8989/metrics").Output;
        Assert.True(Counter(metrics, "meshactors_socks_events_total{event=\"connected\"}") >= 3, metrics);
        Assert.Equal(1, Counter(metrics, "meshactors_socks_refusals_total{reason=\"unknown_name\"}"));
        Assert.True(Counter(metrics, "meshactors_socks_events_total{event=\"bytes_from_target\"}") >= 2 * body.Length);
        Assert.Contains("socks_refusals_total{reason=\"unknown_name\"}", lab.Exec("A", "dotnet", Dll, "ctl", "stats").Output);
    }

    private static CommandOutput Curl(Lab lab, string url) =>
        lab.Exec("A", "curl", "-sS", "--max-time", "5", "--socks5-hostname", Gateway, url);

    /// <summary>The page at <paramref name="url"/>, fetched through A's gateway, retried until the mesh carries it (C's
    /// name record and routes need a few update rounds to reach A).</summary>
    private static string CurlWithin(Lab lab, string url)
    {
        var deadline = DateTime.UtcNow + Convergence;
        while (true)
        {
            var result = Curl(lab, url);
            if (result.ExitCode == 0)
            {
                return result.Output;
            }

            Assert.True(DateTime.UtcNow < deadline, $"curl {url} through A's gateway failed: {result}\n" + Lab.LogTails());
            Thread.Sleep(500);
        }
    }

    private static long Counter(string metrics, string series)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(series) + @" (\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{series} not in /metrics:\n{metrics}");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
