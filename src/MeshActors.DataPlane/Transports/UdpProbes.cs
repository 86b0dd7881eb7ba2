using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Links;
using MeshActors.Protocol.Counting;
using MeshActors.Protocol.Nat;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// Hole-punching probes on one shared UDP socket (<see cref="ProbeFrame"/>), kept apart from the link path: the
/// endpoint's reader hands every probe datagram here and reads on. Sends come from the NAT traversal actors.
/// <para>Only probes whose token a punching attempt registered (<see cref="Expect"/>) are reported, at most once per
/// <see cref="ReportIntervalMs"/> per token unless the source changes, so a stream of probes, forged or genuine,
/// costs a few actor messages a second; all others are counted and dropped on the reader thread.</para>
/// </summary>
public sealed class UdpProbes
{
    /// <summary>Shortest time between two reports of one token from one source, ms: the peer probes every 50 ms, and
    /// a new source (a port a symmetric NAT chose) is reported at once.</summary>
    private const long ReportIntervalMs = 100;

    private readonly UdpLinkEndpoint _endpoint;
    private readonly IDataPlaneClock _clock;
    private readonly ConcurrentDictionary<UInt128, Expected> _expected = new();

    internal UdpProbes(UdpLinkEndpoint endpoint, IDataPlaneClock clock)
    {
        _endpoint = endpoint;
        _clock = clock;
    }

    public CounterSet<ProbeResult> Counts { get; } = new();

    /// <summary>Reports probes carrying <paramref name="token"/> to <paramref name="onProbe"/> (on the reader thread:
    /// it must only hand the endpoint on, e.g. tell an actor).</summary>
    public void Expect(UInt128 token, Action<IPEndPoint> onProbe) => _expected[token] = new Expected(onProbe);

    public void Forget(UInt128 token) => _expected.TryRemove(token, out _);

    /// <summary>Sends one probe; false when the socket refused it (counted).</summary>
    public bool Send(IPEndPoint to, UInt128 token)
    {
        if (!_endpoint.CanReach(to))
        {
            Counts.Increment(ProbeResult.SendFailed);
            return false;
        }

        Span<byte> frame = stackalloc byte[ProbeFrame.Size];
        ProbeFrame.Write(token, frame);
        try
        {
            var sent = _endpoint.TrySendTo(frame, _endpoint.ToSocketAddress(to)) == 0;
            Counts.Increment(sent ? ProbeResult.Sent : ProbeResult.SendFailed);
            return sent;
        }
        catch (ObjectDisposedException)
        {
            Counts.Increment(ProbeResult.SendFailed);
            return false;
        }
    }

    /// <summary>The endpoint's reader thread: one datagram of type <see cref="Protocol.Frames.FrameType.Probe"/>.</summary>
    internal void Receive(ReadOnlySpan<byte> frame, SocketAddress from)
    {
        if (!ProbeFrame.TryRead(frame, out var token) || !_expected.TryGetValue(token, out var expected))
        {
            Counts.Increment(ProbeResult.Unknown);
            return;
        }

        Counts.Increment(ProbeResult.Received);
        var now = _clock.MonotonicMs;
        if (expected.LastFrom is { } last && last.Equals(from) && now - expected.LastReportMs < ReportIntervalMs)
        {
            return;
        }

        expected.LastFrom = UdpLinkEndpoint.CloneAddress(from);
        expected.LastReportMs = now;
        var template = new IPEndPoint(from.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        expected.OnProbe((IPEndPoint)template.Create(from));
    }

    /// <summary>One registered attempt; its last-report fields are touched by the reader thread only.</summary>
    private sealed class Expected(Action<IPEndPoint> onProbe)
    {
        public Action<IPEndPoint> OnProbe { get; } = onProbe;

        public SocketAddress? LastFrom { get; set; }

        public long LastReportMs { get; set; }
    }
}
