namespace MeshActors.Routing.Nat;

/// <summary>Timing and bounds of one hole-punching attempt (<see cref="PunchAttempt"/>); all times in milliseconds.</summary>
/// <param name="ProbeIntervalMs">Probes to every candidate endpoint this often: 50 ms, so once both NATs hold their
/// mapping the next probe crosses within 50 ms, at 20 small datagrams a second per candidate.</param>
/// <param name="DirectPhaseMs">How long an attempt without a port sweep punches before it fails, and how long one
/// towards a peer of unknown NAT type punches before it starts sweeping.</param>
/// <param name="SweepProbesPerSecond">Rate of the port sweep towards a symmetric NAT.</param>
/// <param name="MaxSweepProbes">Most sweep probes per attempt.</param>
/// <param name="SweepPhaseMs">How long an attempt with a port sweep punches before it fails.</param>
public sealed record PunchSettings(long ProbeIntervalMs, long DirectPhaseMs, int SweepProbesPerSecond, int MaxSweepProbes, long SweepPhaseMs)
{
    /// <summary>Two cone NATs meet within a few round trips, so 2 s of direct probing is plenty; a sweep covers every
    /// port a NAT hands out (1024..65535) in 64,512 / 2,500 ≈ 26 s, so even one started after the direct phase ends
    /// inside the 30 s an attempt may take; 2,500 probes of 60 bytes on the wire are 150 KB/s for that time (and as
    /// many short-lived conntrack entries on the router), never more than one sweep of each port.</summary>
    public static readonly PunchSettings Default = new(
        ProbeIntervalMs: 50, DirectPhaseMs: 2_000, SweepProbesPerSecond: 2_500, MaxSweepProbes: PortSweep.PortCount, SweepPhaseMs: 30_000);
}
