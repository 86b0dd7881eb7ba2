namespace MeshActors.SystemTests;

/// <summary>
/// Whole nodes (MeshActors.dll) in namespace labs: the overlay joins nodes the underlay cannot, and reroutes
/// around a cut link. Node IPv4 addresses come from lab.sh: 10.220.0.1 (A) .. 10.220.0.4 (D).
/// </summary>
public sealed class OverlayTests
{
    /// <summary>Time for nodes to start, link up and converge routes, in seconds.</summary>
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(60);

    [NodeLabFact]
    public void Line_ends_reach_each_other_only_through_the_overlay()
    {
        using var lab = Lab.Up("line");
        Assert.False(lab.Pings("A", "10.210.2.2"));

        lab.Start(RepoPaths.NodeDll()!);

        Assert.True(lab.PingsWithin("A", "10.220.0.3", Convergence), "A cannot reach C's overlay address");
        Assert.True(lab.PingsWithin("C", "10.220.0.1", Convergence), "C cannot reach A's overlay address");
    }

    [NodeLabFact]
    public void Ring_reroutes_around_a_cut_link_and_recovers_after_heal()
    {
        using var lab = Lab.Up("ring4");
        lab.Start(RepoPaths.NodeDll()!);
        Assert.True(lab.PingsWithin("A", "10.220.0.2", Convergence), "A cannot reach B before the cut");

        lab.Cut("A", "B");

        Assert.True(lab.PingsWithin("A", "10.220.0.2", Convergence), "A cannot reach B the long way round (A-D-C-B)");

        lab.Heal("A", "B");
        lab.Cut("A", "D");
        Assert.True(lab.PingsWithin("A", "10.220.0.4", Convergence), "A cannot reach D after healing A-B and cutting A-D");
    }
}
