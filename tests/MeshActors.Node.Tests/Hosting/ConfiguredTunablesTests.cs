using Akka.TestKit;
using Akka.TestKit.Xunit2;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Hosting;
using MeshActors.Node.Links;
using MeshActors.Node.Routing;
using MeshActors.Node.Settings;
using MeshActors.Protocol.Addressing;
using MeshActors.Protocol.Data;
using MeshActors.Protocol.Frames;
using MeshActors.Protocol.Routing;
using MeshActors.Routing;

namespace MeshActors.Node.Tests.Hosting;

/// <summary>
/// Tunables written in a config file reach the parts of a node that use them, through the same wiring a real node
/// starts with (<see cref="DataPlaneStart.Start"/>, <see cref="NodeChildren"/>), not only the parsed settings.
/// </summary>
public sealed class ConfiguredTunablesTests : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static NodeSettings Parse(string text) => NodeSettingsReader.Read(HoconSource.FromText(text, "node.hocon"));

    [Fact]
    public async Task Link_pool_and_tun_values_reach_the_started_data_plane_and_its_links()
    {
        var settings = Parse("""
            meshactors {
              listen = []
              tun { enabled = off, mtu = 1400 }
              api.address = "127.0.0.1:0"
              links {
                handshake-timeout = 2s
                max-pending-handshakes = 8
                max-half-open = 64
                send-ring-capacity = 256
                control-inbox-capacity = 32
                udp-max-frame-size = 1452
                udp-segments = off
                udp-offload = off
              }
              dataplane {
                audit-encryption = on
                data-frame-sealing = whole
                buffer-pool-bytes = 4194304
                tun-batch-size = 8
                tun-write-ring-capacity = 256
              }
            }
            """);
        using var identity = NodeIdentity.Generate();

        await using var dataPlane = DataPlaneStart.Start(settings, identity, autoIpv4: null, messages: null);

        var options = dataPlane.Links.Environment.Options;
        Assert.Equal(2000, options.HandshakeTimeoutMs);
        Assert.Equal(8, options.MaxPendingHandshakes);
        Assert.Equal(64, options.MaxHalfOpen);
        Assert.Equal(256, options.SendRingCapacity);
        Assert.Equal(32, options.ControlInboxCapacity);
        Assert.Equal(1452, options.UdpMaxFrameSize);
        Assert.False(options.UdpSegments);
        Assert.False(options.UdpOffload);
        Assert.All(dataPlane.Links.UdpOffloads(), udp => Assert.False(udp.Segmentation || udp.Coalescing));
        Assert.True(options.AuditEncryption);
        Assert.True(options.SealWholeDataFrames);
        Assert.Equal(4194304 / (1400 + 106), dataPlane.Pool.Capacity); // 2,785 buffers: the budget, not the 64 MiB default
        Assert.Equal(8, dataPlane.Forwarder.Options.TunBatchSize);
        Assert.Equal(256, dataPlane.Forwarder.Options.TunWriteRingCapacity);

        // without segments, a UDP link dialled by this node carries what a 1,452-byte frame holds: 1,452 - 104 bytes
        await using var peer = NodeLinks.Open(NodeIdentity.Generate(), AdmissionPolicy.Open, new BufferPool(64, 4096),
            [new PeerUri(TransportKind.Udp, "127.0.0.1", 0, null)], new LinkOptions());
        var accepted = new TaskCompletionSource<Link>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.InboundLink += link => accepted.TrySetResult(link);
        using var timeout = new CancellationTokenSource(Patience);
        var outbound = await dataPlane.Links.Factory.ConnectAsync(PeerUri.Parse($"udp://127.0.0.1:{peer.UdpEndPoints[0].Port}"), timeout.Token);
        var inbound = await accepted.Task.WaitAsync(Patience);

        Assert.Equal(1452 - FrameLayout.TransportOverhead - InnerLayout.Overhead, outbound.MaxInnerPacket);
        Assert.Equal(1348, outbound.MaxInnerPacket);
        outbound.Close();
        inbound.Close();
    }

    [Fact]
    public void Routing_timers_reach_the_route_table_the_node_starts()
    {
        var settings = Parse("""
            meshactors {
              routing {
                update-interval = 1s
                route-expiry = 5s
                source-gc-time = 10s
                triggered-update-delay = 0ms
                seqno-request-retry = 500ms
                seqno-request-retries = 5
                seqno-request-hold = 300ms
              }
            }
            """);
        using var identity = NodeIdentity.Generate();

        var spec = NodeChildren.RouteTable(settings, identity.Public, _ => { });
        var routeTable = new TestActorRef<RouteTableActor>(Sys, spec.Props, null, spec.Name);

        Assert.Equal(RouteTableActor.Name, spec.Name);
        Assert.Equal(settings.Routing with { Transit = settings.Nat.Relay }, routeTable.UnderlyingActor.Settings);
        Assert.Equal(TimeSpan.FromSeconds(1), routeTable.UnderlyingActor.Settings.Timers.UpdateInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), routeTable.UnderlyingActor.Settings.Timers.RouteExpiry);
        Assert.Equal(5, routeTable.UnderlyingActor.Settings.Timers.SeqnoRequestRetries);
    }

    [Fact]
    public void A_configured_update_interval_paces_the_full_route_dumps()
    {
        var configured = Parse("meshactors.routing { update-interval = 1s, route-expiry = 5s }").Routing;
        using var identity = NodeIdentity.Generate();

        // 20 virtual seconds after start-up (and its first triggered update): one dump per second, against at most one
        // in the same window with the 20 s default
        Assert.InRange(FullDumpsBetween(configured, identity.Public, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(21)), 19, 21);
        Assert.InRange(FullDumpsBetween(RoutingSettings.Default, identity.Public, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(21)), 0, 1);
    }

    /// <summary>Runs a routing core that originates its own subnet by its wake-up times and counts the broadcasts
    /// sent within [<paramref name="from"/>, <paramref name="until"/>).</summary>
    private static int FullDumpsBetween(RoutingSettings routing, PublicIdentity identity, TimeSpan from, TimeSpan until)
    {
        var core = new RoutingCore(RouterId.FromBytes(identity.Bytes), new OverlayPrefixOwnership(OverlayAddressing.DefaultPrefix), routing, TimeSpan.Zero);
        core.AddLocalPrefix(RoutePrefix.From(OverlayAddressing.DeriveSubnet(identity, OverlayAddressing.DefaultPrefix)), TimeSpan.Zero);
        var broadcasts = 0;
        var now = TimeSpan.Zero;
        while (now < until)
        {
            var actions = core.Tick(now);
            if (now >= from)
            {
                broadcasts += actions.OfType<SendRouteUpdates>().Count(send => send.To is null);
            }

            now = core.NextWakeup > now ? core.NextWakeup : now + TimeSpan.FromMilliseconds(1);
        }

        return broadcasts;
    }
}
