using Akka.Actor;
using MeshActors.Crypto.EndToEnd;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.DataPlane.Tun;
using MeshActors.Node.Discovery;
using MeshActors.Node.Hosting;
using MeshActors.Node.Links;
using MeshActors.Node.Messaging;
using MeshActors.Node.Names;
using MeshActors.Node.Nat;
using MeshActors.Node.Routing;
using MeshActors.Node.Socks;
using MeshActors.Node.Tunnels;
using MeshActors.Routing.Nat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MeshActors.Node.Api;

/// <summary>
/// <c>GET /metrics</c>: links, forwarder, end-to-end layer, routes, handshake refusals and the message bus in
/// Prometheus text. Data-plane counters are read directly (Interlocked values); actor state is asked for, and a
/// section whose actor does not answer in time is left out rather than failing the scrape.
/// </summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/metrics", async (ActorSystem system, NodeDataPlane dataPlane, SocksStats socks, CancellationToken ct) =>
        {
            var text = new MetricsText();
            if (await TryAsk<PeerList>(system, typeof(PeerManager), GetPeers.Instance, ct) is { } peers)
            {
                WriteLinks(text, peers);
            }

            WriteForwarder(text, dataPlane.Forwarder);
            WriteEndToEnd(text, dataPlane.Forwarder.EndToEnd);
            WriteListeners(text, dataPlane.Links);
            WritePool(text, dataPlane.Pool);
            foreach (var view in new[] { RouteView.Selected, RouteView.Fallback })
            {
                if (await TryAsk<RouteList>(system, typeof(RouteTableActor), new GetRoutes(view), ct) is { } list)
                {
                    text.Gauge("meshactors_routes", "Routes known, by view", list.Routes.Count, ("view", view.ToString().ToLowerInvariant()));
                }
            }

            if (await TryAsk<RoutingCounterList>(system, typeof(RouteTableActor), GetRoutingCounters.Instance, ct) is { } routing)
            {
                foreach (var (name, value) in routing.Counters)
                {
                    text.Counter("meshactors_routing_events_total", "Routing core events, by kind", value, ("event", name));
                }
            }

            if (await TryAsk<BusCounters>(system, typeof(MessageBusActor), GetBusCounters.Instance, ct) is { } bus)
            {
                WriteBus(text, bus);
            }

            if (await TryAsk<NameList>(system, typeof(NamesActor), GetNames.Instance, ct) is { } names)
            {
                text.Gauge("meshactors_name_records", "Live signed name records held", names.Names.Count);
                foreach (var (outcome, count) in names.Counters)
                {
                    text.Counter("meshactors_name_records_received_total", "Name records offered to this node, by outcome (only accepted ones are kept and flooded on)", count, ("outcome", outcome));
                }
            }

            if (await TryAsk<LanDiscoveryStatus>(system, typeof(LanDiscoveryActor), GetLanDiscovery.Instance, ct) is { } lan)
            {
                text.Gauge("meshactors_discovery_lan_heard", "Nodes heard on the LAN within the last three beacon intervals", lan.Heard.Count);
                foreach (var (name, count) in lan.Counters)
                {
                    text.Counter("meshactors_discovery_lan_total", "LAN discovery beacons and dials, by event", count, ("event", name));
                }
            }

            if (await TryAsk<TunnelStatus>(system, typeof(TunnelActor), GetTunnels.Instance, ct) is { } tunnels)
            {
                text.Gauge("meshactors_tunnels", "Tunnels this node opened (listening on its loopback)", tunnels.Tunnels.Count);
                text.Gauge("meshactors_tunnel_streams", "Tunnel streams running, at either end", tunnels.Streams);
                foreach (var (name, count) in tunnels.Counters)
                {
                    text.Counter("meshactors_tunnel_events_total", "Tunnel streams opened, accepted, refused and ended, bytes and drops, by event", count, ("event", name));
                }
            }

            if (await TryAsk<RendezvousStatus>(system, typeof(RendezvousActor), GetRendezvous.Instance, ct) is { } rendezvous)
            {
                text.Gauge("meshactors_discovery_rendezvous_linked", "Neighbours the rendezvous introduces to each other", rendezvous.Linked);
                foreach (var (name, count) in rendezvous.Counters)
                {
                    text.Counter("meshactors_discovery_rendezvous_total", "Introductions this rendezvous sent, keys listed in them, sends refused, by event", count, ("event", name));
                }
            }

            if (await AdminEndpoints.NatStatusAsync(system, ct) is { } nat)
            {
                WriteNat(text, nat);
            }

            foreach (var probes in dataPlane.Links.Probes.Counts)
            {
                text.Counter("meshactors_nat_probes_total", "Hole-punching probe datagrams on the shared UDP socket, by result", probes.Value, ("result", probes.Label));
            }

            WriteSocks(text, socks);
            return Results.Text(text.ToString(), MetricsText.ContentType);
        });
        return routes;
    }

    private static void WriteLinks(MetricsText text, PeerList peers)
    {
        foreach (var state in Enum.GetValues<PeerState>())
        {
            text.Gauge("meshactors_peers", "Peer actors by state", peers.Peers.Count(p => p.State == state), ("state", state.ToString().ToLowerInvariant()));
        }

        foreach (var peer in peers.Peers.Where(p => p.Stats is not null))
        {
            var stats = peer.Stats!;
            var id = ("peer", peer.PublicKey ?? peer.Name);
            text.Counter("meshactors_link_bytes_total", "Link bytes", stats.BytesIn, id, ("direction", "in"))
                .Counter("meshactors_link_bytes_total", "Link bytes", stats.BytesOut, id, ("direction", "out"))
                .Counter("meshactors_link_frames_total", "Link frames", stats.FramesIn, id, ("direction", "in"))
                .Counter("meshactors_link_frames_total", "Link frames", stats.FramesOut, id, ("direction", "out"))
                .Counter("meshactors_link_direct_frames_total", "Outgoing link frames sent by their producer thread, without the event loop", stats.FramesOutDirect, id)
                .Counter("meshactors_link_rekeys_total", "Link sessions replaced by a rekey", stats.Rekeys, id)
                .Gauge("meshactors_link_ring_fill", "Frames waiting in the link's send ring", stats.RingFill, id)
                .Gauge("meshactors_link_ring_capacity", "Capacity of the link's send ring, frames", stats.RingCapacity, id)
                .Gauge("meshactors_link_loss_ratio", "Hello loss measured on the link, 0..1", peer.Loss, id);
            if (peer.RttMs is { } rtt)
            {
                text.Gauge("meshactors_link_rtt_seconds", "Smoothed round-trip time of the link", rtt / 1000, id);
            }

            foreach (var reason in Enum.GetValues<LinkDrop>())
            {
                text.Counter("meshactors_link_drops_total", "Frames a link dropped, by reason", stats.Drops.GetValueOrDefault(reason), id, ("reason", reason.ToString()));
            }
        }
    }

    private static void WriteNat(MetricsText text, NatStatus nat)
    {
        foreach (var type in Enum.GetValues<NatType>().Select(NatTypeNames.Of))
        {
            text.Gauge("meshactors_nat_type", "NAT type inferred from neighbours' reflections: 1 for the current one", type == nat.Type ? 1 : 0, ("type", type));
        }

        text.Gauge("meshactors_nat_behind", "1 when a neighbour sees this node's UDP socket translated", nat.BehindNat ? 1 : 0)
            .Gauge("meshactors_nat_observers", "UDP neighbours whose reflection is held", nat.Observers.Count)
            .Gauge("meshactors_nat_reflexive_endpoints", "Distinct translated endpoints neighbours report", nat.Reflexive.Count)
            .Gauge("meshactors_nat_relay", "1 when this node carries traffic between other nodes (nat.relay)", nat.Relay ? 1 : 0)
            .Gauge("meshactors_nat_public_endpoints", "UDP endpoints neighbours see this node at untranslated (announced in its record)", nat.PublicEndpoints.Count)
            .Gauge("meshactors_nat_relays_known", "Relays the mesh's records announce", nat.Relays.Count)
            .Gauge("meshactors_nat_relays_linked", "Relays this node holds a link to", nat.Relays.Count(relay => relay.Linked));
        foreach (var (outcome, count) in nat.Counters)
        {
            text.Counter("meshactors_nat_reflections_received_total", "Reflections offered to this node, by outcome", count, ("outcome", outcome));
        }

        text.Gauge("meshactors_nat_punching", "Hole-punching attempts running", nat.Punching.Count);
        foreach (var (name, count) in nat.Punches)
        {
            text.Counter("meshactors_nat_punches_total", "Hole-punching attempts and signals, by event", count, ("event", name));
        }
    }

    private static void WriteForwarder(MetricsText text, Forwarder forwarder)
    {
        foreach (var path in forwarder.Counters.Packets)
        {
            text.Counter("meshactors_forwarder_packets_total", "Packets the forwarder handled, by path", path.Value, ("kind", path.Label));
        }

        foreach (var drop in forwarder.Counters.Drops)
        {
            text.Counter("meshactors_forwarder_drops_total", "Packets the forwarder dropped, by reason", drop.Value, ("reason", drop.Name));
        }

        if (forwarder.TunState is { } tun)
        {
            foreach (var (flag, name) in TunOffloadNames.All)
            {
                text.Gauge("meshactors_tun_offload", "Kernel offload in use on the TUN device (1) or not (0)", tun.Offload.HasFlag(flag) ? 1 : 0,
                    ("device", tun.Name), ("offload", name));
            }

            if (tun.OffloadCounters is { } events)
            {
                foreach (var counter in events)
                {
                    text.Counter("meshactors_tun_offload_events_total", "What the TUN device's segmentation offload did", counter.Value,
                        ("device", tun.Name), ("event", counter.Label));
                }
            }
        }
    }

    private static void WriteEndToEnd(MetricsText text, EndToEndCounters counters)
    {
        text.Counter("meshactors_e2e_sealed_total", "Payloads sealed end to end", counters.Events[EndToEndEvent.Sealed])
            .Counter("meshactors_e2e_sessions_created_total", "End-to-end sessions created", counters.Events[EndToEndEvent.SessionsCreated])
            .Counter("meshactors_e2e_sessions_evicted_total", "End-to-end sessions evicted from the cache", counters.Events[EndToEndEvent.SessionsEvicted]);
        foreach (var open in counters.Opens)
        {
            text.Counter("meshactors_e2e_opens_total", "End-to-end open attempts, by outcome", open.Value, ("status", open.Name));
        }
    }

    private static void WritePool(MetricsText text, BufferPool pool)
    {
        text.Gauge("meshactors_buffer_pool_buffers", "Packet buffers of the pool, by state", pool.Created, ("state", "created"))
            .Gauge("meshactors_buffer_pool_buffers", "Packet buffers of the pool, by state", pool.Available, ("state", "free"))
            .Gauge("meshactors_buffer_pool_buffers", "Packet buffers of the pool, by state", pool.Capacity, ("state", "capacity"))
            .Counter("meshactors_buffer_pool_exhausted_total", "Rent attempts refused because every buffer was in use", pool.Exhausted);
    }

    private static void WriteListeners(MetricsText text, NodeLinks links)
    {
        foreach (var (endpoint, stats) in links.AllStats())
        {
            var at = ("listener", endpoint);
            text.Counter("meshactors_handshakes_accepted_total", "Inbound connections or initiations", stats.Events[HandshakeEvent.Accepted], at)
                .Counter("meshactors_handshakes_established_total", "Inbound handshakes completed", stats.Events[HandshakeEvent.Established], at)
                .Counter("meshactors_handshakes_timed_out_total", "Inbound handshakes that timed out", stats.Events[HandshakeEvent.TimedOut], at)
                .Counter("meshactors_handshakes_over_capacity_total", "Inbound connections closed: too many handshakes running", stats.Events[HandshakeEvent.OverCapacity], at);
            foreach (var refused in stats.Refused)
            {
                text.Counter("meshactors_handshakes_refused_total", "Inbound handshakes refused, by reason", refused.Value, at, ("reason", refused.Name));
            }
        }

        foreach (var udp in links.UdpOffloads())
        {
            var at = ("listener", udp.Endpoint);
            text.Gauge("meshactors_udp_offload", "Kernel offload in use on a UDP socket (1) or not (0)", udp.Segmentation ? 1 : 0, at, ("offload", "segmentation"))
                .Gauge("meshactors_udp_offload", "Kernel offload in use on a UDP socket (1) or not (0)", udp.Coalescing ? 1 : 0, at, ("offload", "coalescing"))
                .Counter("meshactors_udp_segmentation_fallbacks_total", "Segmented sends the kernel refused after the start-up probe", udp.SegmentationFallbacks, at)
                .Counter("meshactors_udp_segmented_sends_total", "Sends that left as several datagrams in one system call", udp.SegmentedSends, at);
        }
    }

    /// <summary>The SOCKS5 gateway's families, only while it runs.</summary>
    private static void WriteSocks(MetricsText text, SocksStats socks)
    {
        if (socks.Listen is null)
        {
            return;
        }

        text.Gauge("meshactors_socks_sessions", "SOCKS5 connections being served, handshakes included", socks.Sessions)
            .Gauge("meshactors_socks_max_sessions", "Most SOCKS5 connections served at once (socks.max-sessions)", socks.MaxSessions);
        foreach (var counter in socks.Events)
        {
            text.Counter("meshactors_socks_events_total", "SOCKS5 gateway connections, successful requests and relayed bytes", counter.Value, ("event", counter.Label));
        }

        foreach (var counter in socks.Refusals)
        {
            text.Counter("meshactors_socks_refusals_total", "SOCKS5 connections and requests refused, by reason", counter.Value, ("reason", counter.Label));
        }
    }

    private static void WriteBus(MetricsText text, BusCounters bus)
    {
        text.Counter("meshactors_bus_frames_total", "Bus frames", bus.FramesReceived, ("direction", "in"))
            .Counter("meshactors_bus_frames_total", "Bus frames", bus.FramesSent, ("direction", "out"))
            .Counter("meshactors_bus_frame_drops_total", "Bus frames dropped", bus.FramesDroppedAtInlet, ("reason", "inlet_full"))
            .Counter("meshactors_bus_frame_drops_total", "Bus frames dropped", bus.FramesDroppedBySink, ("reason", "not_forwarded"))
            .Counter("meshactors_bus_sends_total", "Messages handed to the bus", bus.MessagesAccepted, ("result", "accepted"))
            .Counter("meshactors_bus_sends_total", "Messages handed to the bus", bus.SendsRefused, ("result", "refused"))
            .Gauge("meshactors_bus_in_flight", "Outbound messages not yet finished", bus.InFlight)
            .Gauge("meshactors_bus_inbox_messages", "Messages waiting in the inbox", bus.InboxMessages)
            .Gauge("meshactors_bus_inbox_bytes", "Payload bytes waiting in the inbox", bus.InboxBytes)
            .Gauge("meshactors_bus_reassemblies", "Messages being reassembled", bus.Reassemblies)
            .Gauge("meshactors_bus_reassembly_bytes", "Bytes reserved by reassemblies", bus.ReassemblyBytes)
            .Gauge("meshactors_bus_parked_receivers", "Long-polls waiting for a message", bus.ParkedReceivers)
            .Gauge("meshactors_bus_reply_waiters", "Senders waiting for a reply", bus.ReplyWaiters);
        foreach (var (name, value) in bus.Outbound)
        {
            text.Counter("meshactors_bus_outbound_total", "Outbound flow-control events, by kind", value, ("kind", name));
        }

        foreach (var (name, value) in bus.Inbound)
        {
            text.Counter("meshactors_bus_inbound_total", "Inbound bus outcomes, by kind", value, ("kind", name));
        }
    }

    /// <summary>The actor's answer, or null when it is not running or did not answer in time (its family is left out).</summary>
    private static async Task<T?> TryAsk<T>(ActorSystem system, Type actor, object message, CancellationToken ct)
        where T : class =>
        (await ApiAsk.TryAsk<T>(system, actor, message, AdminEndpoints.AskTimeout, ct)).Answer;
}
