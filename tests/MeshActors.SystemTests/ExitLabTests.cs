using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace MeshActors.SystemTests;

/// <summary>
/// Redundant exits in the namespace lab "exits": A's flows to 10.77.0.1 (in D, "the outside", which has no route to
/// the mesh) leave through B or C, which both serve 10.77.0.0/24 and masquerade out of their link to D. The echo
/// server's answer names the exit of each flow.
/// </summary>
public sealed class ExitLabTests(ITestOutputHelper output)
{
    private const int FlowCount = 24;

    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan RoundWait = TimeSpan.FromMilliseconds(250);

    private static readonly IPEndPoint Outside = new(IPAddress.Parse("10.77.0.1"), 7000);

    /// <summary>The exits' addresses on their links to D (lab.sh: link 3 is B—D, link 4 is C—D).</summary>
    private static readonly IPAddress ExitB = IPAddress.Parse("10.210.3.1");

    private static readonly IPAddress ExitC = IPAddress.Parse("10.210.4.1");

    private static string Dll => RepoPaths.NodeDll()!;

    [NodeLabFact]
    public void Flows_split_over_two_exits_and_killing_one_moves_only_its_flows_within_the_reroute_bound() =>
        FailOneExit(lab => lab.Kill("B"), "killed");

    /// <summary>A silent failure: the link to B goes down without a word, so A notices only after links.dead-after.</summary>
    [NodeLabFact]
    public void Flows_split_over_two_exits_and_cutting_the_link_to_one_moves_only_its_flows_within_the_reroute_bound() =>
        FailOneExit(lab => lab.Cut("A", "B"), "cut off");

    private void FailOneExit(Action<Lab> fail, string how)
    {
        using var lab = Lab.Up("exits");
        lab.Start(Dll);
        using var flows = new ExitFlows($"{Lab.Prefix}-A", $"{Lab.Prefix}-D", Outside, FlowCount);

        // Every flow answered once, and both exits known to A's node, before anything is judged.
        var before = new IPAddress?[FlowCount];
        var deadline = DateTime.UtcNow + Convergence;
        while (!(before.All(exit => exit is not null) && ReachableExits(lab) == 2))
        {
            Assert.True(DateTime.UtcNow < deadline, $"flows answered: {string.Join(", ", before.Select(e => e?.ToString() ?? "-"))}\n" + Lab.LogTails());
            var answers = flows.Probe(RoundWait);
            for (var i = 0; i < FlowCount; i++)
            {
                before[i] = answers[i] ?? before[i];
            }
        }

        // Settled: a fresh round must agree with what each flow saw first (both exits known from here on).
        var settled = ProbeUntilAllAnswer(flows, Convergence);
        var onB = Enumerable.Range(0, FlowCount).Where(i => ExitB.Equals(settled[i])).ToList();
        var onC = Enumerable.Range(0, FlowCount).Where(i => ExitC.Equals(settled[i])).ToList();
        output.WriteLine($"{onB.Count} flows through B, {onC.Count} through C");
        Assert.Equal(FlowCount, onB.Count + onC.Count);
        Assert.NotEmpty(onB);
        Assert.NotEmpty(onC);
        output.WriteLine(lab.Exec("A", "dotnet", Dll, "ctl", "exits").Output);

        fail(lab);
        var clock = Stopwatch.StartNew();
        var movedAt = new TimeSpan?[FlowCount];
        var lastAnswer = onC.ToDictionary(i => i, _ => TimeSpan.Zero);
        var longestGapOnC = TimeSpan.Zero;
        while (onB.Any(i => movedAt[i] is null) && clock.Elapsed < OverlayTests.RerouteLimit * 3)
        {
            var answers = flows.Probe(RoundWait);
            var now = clock.Elapsed;
            foreach (var i in onC.Where(i => answers[i] is not null))
            {
                Assert.True(ExitC.Equals(answers[i]), $"flow {i} of C answered through {answers[i]}");
                longestGapOnC = Max(longestGapOnC, now - lastAnswer[i]);
                lastAnswer[i] = now;
            }

            foreach (var i in onB.Where(i => answers[i] is not null && movedAt[i] is null))
            {
                Assert.True(ExitC.Equals(answers[i]), $"flow {i} of the {how} exit B answered through {answers[i]}");
                movedAt[i] = now;
            }
        }

        var slowest = onB.Max(i => movedAt[i] ?? TimeSpan.MaxValue);
        output.WriteLine($"B {how}: B's {onB.Count} flows answered through C again after {onB.Min(i => movedAt[i] ?? TimeSpan.MaxValue).TotalSeconds:0.00}"
            + $"..{(slowest == TimeSpan.MaxValue ? "never" : $"{slowest.TotalSeconds:0.00}")} s; C's {onC.Count} flows' longest gap {longestGapOnC.TotalSeconds:0.00} s");
        Assert.True(slowest <= OverlayTests.RerouteLimit, $"B's flows moved after {slowest} (bound {OverlayTests.RerouteLimit})\n" + Lab.LogTails());
        Assert.True(longestGapOnC < OverlayTests.RerouteLimit, $"C's flows stalled for {longestGapOnC} while B failed\n" + Lab.LogTails());

        var after = ProbeUntilAllAnswer(flows, Convergence);
        Assert.All(after, exit => Assert.Equal(ExitC, exit));
        Assert.Equal(1, ReachableExits(lab));
        output.WriteLine(lab.Exec("A", "dotnet", Dll, "ctl", "exits").Output);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Probes until one round answers on every flow.</summary>
    private static IPAddress[] ProbeUntilAllAnswer(ExitFlows flows, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var answers = flows.Probe(RoundWait);
            if (answers.All(exit => exit is not null))
            {
                return answers!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no round answered on every flow within {timeout}\n" + Lab.LogTails());
        }
    }

    /// <summary>Exits of 10.77.0.0/24 that A's node has a route to, from <c>ctl exits --json</c>.</summary>
    private static int ReachableExits(Lab lab)
    {
        var result = lab.Exec("A", "dotnet", Dll, "ctl", "exits", "--json");
        if (result.ExitCode != 0)
        {
            return 0;
        }

        using var json = JsonDocument.Parse(result.Output);
        return json.RootElement.GetProperty("prefixes").EnumerateArray()
            .Where(prefix => prefix.GetProperty("prefix").GetString() == "10.77.0.0/24")
            .SelectMany(prefix => prefix.GetProperty("exits").EnumerateArray())
            .Count(exit => exit.GetProperty("reachable").GetBoolean());
    }
}
