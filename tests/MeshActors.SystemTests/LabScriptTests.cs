using System.Globalization;

namespace MeshActors.SystemTests;

/// <summary>The namespace lab itself: topologies, underlay isolation, link cuts, and that down leaves nothing.</summary>
public sealed class LabScriptTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    public void Help_prints_the_usage_and_exits_zero_without_root(string help)
    {
        var result = Shell.Run("bash", RepoPaths.LabScript, help);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("lab.sh [--prefix P] up pair|line|ring4", result.Output);
    }

    [Fact]
    public void An_unknown_command_is_named_and_exits_2()
    {
        var result = Shell.Run("bash", RepoPaths.LabScript, "frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", result.Error);
    }

    [LabFact]
    public void Line_joins_neighbours_but_not_the_ends()
    {
        using var lab = Lab.Up("line");

        Assert.Equal([$"{Lab.Prefix}-A", $"{Lab.Prefix}-B", $"{Lab.Prefix}-C"], Lab.Namespaces());
        Assert.True(lab.Pings("A", "10.210.1.2"));
        Assert.True(lab.Pings("C", "10.210.2.1"));
        Assert.False(lab.Pings("A", "10.210.2.2"));
        Assert.Equal("0", lab.Exec("B", "sysctl", "-n", "net.ipv4.ip_forward").Output.Trim());
    }

    [LabFact]
    public void Ring4_closes_the_ring_from_D_back_to_A()
    {
        using var lab = Lab.Up("ring4");

        Assert.Equal([$"{Lab.Prefix}-A", $"{Lab.Prefix}-B", $"{Lab.Prefix}-C", $"{Lab.Prefix}-D"], Lab.Namespaces());
        Assert.True(lab.Pings("D", "10.210.4.2"));
        Assert.True(lab.Pings("C", "10.210.3.2"));
        Assert.False(lab.Pings("A", "10.210.2.2"));
    }

    [LabFact]
    public void Cut_takes_a_link_down_and_heal_brings_it_back()
    {
        using var lab = Lab.Up("pair");

        lab.Cut("B", "A");
        Assert.False(lab.Pings("A", "10.210.1.2"));

        lab.Heal("A", "B");
        Assert.True(lab.PingsWithin("A", "10.210.1.2", TimeSpan.FromSeconds(5)));
    }

    [LabFact]
    public void Cutting_nodes_that_are_not_neighbours_is_an_error()
    {
        using var lab = Lab.Up("line");

        Assert.Throws<InvalidOperationException>(() => lab.Cut("A", "C"));
    }

    [LabFact]
    public void Up_twice_rebuilds_and_down_removes_namespaces_state_and_processes()
    {
        int stray;
        using (var first = Lab.Up("ring4"))
        {
            // a stray process inside the lab, as bench runs leave them; known by its PID, since any other program on the
            // machine may run a `sleep 300` of its own
            stray = int.Parse(first.Exec("A", "sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!").Output.Trim(), CultureInfo.InvariantCulture);
            var second = Lab.Up("pair");
            Assert.Equal([$"{Lab.Prefix}-A", $"{Lab.Prefix}-B"], Lab.Namespaces());
            second.Down();
        }

        Assert.Empty(Lab.Namespaces());
        Assert.False(Directory.Exists(Lab.StateDirectory));
        var cmdline = $"/proc/{stray}/cmdline";
        Assert.False(File.Exists(cmdline) && File.ReadAllText(cmdline).StartsWith("sleep", StringComparison.Ordinal), $"the lab's stray sleep (PID {stray}) outlived down");
    }
}
