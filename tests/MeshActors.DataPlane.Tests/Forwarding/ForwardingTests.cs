using MeshActors.Protocol.Addressing;
using System.Buffers.Binary;
using System.Net;
using MeshActors.Crypto;
using MeshActors.Crypto.EndToEnd;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Forwarding;

public sealed class ForwardingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(TransportKind.Tcp)]
    [InlineData(TransportKind.Udp)]
    public async Task A_packet_from_a_tun_comes_out_of_the_far_tun_intact_and_the_relay_never_decrypts(TransportKind scheme)
    {
        await using var line = await ThreeNodeLine.StartAsync(scheme);
        var payload = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var packet = Packets.Udp6(line.AddressA, line.AddressC, payload);

        Assert.True(line.TunA.Inject(packet));

        Assert.True(line.TunC.TryTakeWritten(Wait, out var delivered));
        Assert.Equal(packet, delivered);
        // Counted after the hand-over to the link, which may already have delivered it (a direct send).
        await Eventually.True(() => line.A.Counters.Packets[ForwardPath.Originated] == 1 && line.B.Counters.Packets[ForwardPath.Relayed] == 1);
        Assert.Equal(0, line.B.EndToEnd.Opens.Total);
        Assert.Equal(0, line.B.EndToEnd.Events[EndToEndEvent.Sealed]);
        Assert.Equal(1, line.C.EndToEnd.Opens[EndToEndStatus.Opened]);

        var reply = Packets.Udp6(line.AddressC, line.AddressA, [1, 2, 3]);
        Assert.True(line.TunC.Inject(reply));
        Assert.True(line.TunA.TryTakeWritten(Wait, out var back));
        Assert.Equal(reply, back);
        Assert.Equal(0, line.B.EndToEnd.Opens.Total);
    }

    [Fact]
    public async Task A_node_without_transit_drops_and_counts_packets_for_others_and_relays_none()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp, optionsB: new ForwarderOptions { Transit = false });

        Assert.True(line.TunA.Inject(Packets.Udp6(line.AddressA, line.AddressC, [1, 2, 3])));

        await Eventually.True(() => line.B.Counters.Drops[ForwardDrop.TransitRefused] == 1);
        Assert.Equal(0, line.B.Counters.Packets[ForwardPath.Relayed]);
        Assert.False(line.TunC.TryTakeWritten(TimeSpan.Zero, out _));
    }

    [Fact]
    public async Task A_burst_within_the_buffer_budget_arrives_complete_and_in_order_over_tcp()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp);
        // Each node's pool holds 256 buffers and its TUN reader keeps 32 armed: a larger burst may exhaust a pool,
        // which drops (and counts) rather than queueing without bound.
        const int count = 150;
        for (var i = 0; i < count; i++)
        {
            var body = new byte[100];
            BinaryPrimitives.WriteInt32BigEndian(body, i);
            Assert.True(line.TunA.Inject(Packets.Udp6(line.AddressA, line.AddressC, body)));
        }

        for (var i = 0; i < count; i++)
        {
            Assert.True(line.TunC.TryTakeWritten(Wait, out var packet), $"packet {i}: A {Dump(line.A)} {Dump(line.NodeA)} B {Dump(line.B)} {Dump(line.NodeB)} C {Dump(line.C)} {Dump(line.NodeC)}");
            Assert.Equal(i, BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(48)));
        }
    }

    [Fact]
    public async Task Hop_limit_expiry_at_the_relay_is_dropped_and_counted()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp, optionsA: new ForwarderOptions { HopLimit = 1 });

        line.TunA.Inject(Packets.Udp6(line.AddressA, line.AddressC, [1]));

        await Eventually.True(() => line.B.Counters.Drops[ForwardDrop.HopLimit] == 1);
        Assert.False(line.TunC.TryTakeWritten(TimeSpan.FromMilliseconds(100), out _));
        Assert.Equal(0, line.B.EndToEnd.Opens.Total);
    }

    [Fact]
    public async Task Hop_limit_expiry_at_the_relay_comes_back_as_icmpv6_time_exceeded_from_the_relay()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp, optionsA: new ForwarderOptions { HopLimit = 1 });
        var packet = Packets.Udp6(line.AddressA, line.AddressC, Enumerable.Range(0, 300).Select(i => (byte)i).ToArray());

        line.TunA.Inject(packet);

        Assert.True(line.TunA.TryTakeWritten(Wait, out var icmp));
        Assert.Equal(58, icmp[6]);
        Assert.Equal((3, 0), (icmp[40], icmp[41]));
        Assert.Equal(OverlayAddressing.DeriveAddress(line.NodeB.Identity.Public, OverlayAddressing.DefaultPrefix), Packets.Source(icmp));
        Assert.Equal(line.AddressA, Packets.Destination(icmp));
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(icmp.AsSpan(42)), Packets.Ipv6UpperChecksum(icmp));
        Assert.Equal(packet[..96], icmp[48..]);
        await Eventually.True(() => line.B.Counters.Packets[ForwardPath.HopLimitNotices] == 1); // counted after the send returns
        Assert.Equal(1, line.A.Counters.Packets[ForwardPath.Icmp]);
        Assert.Equal(0, line.B.EndToEnd.Opens.Total);
        Assert.Equal(0, line.TunC.WrittenCount);
    }

    [Fact]
    public async Task A_relay_whose_next_link_is_smaller_gets_the_origin_to_answer_packet_too_big_with_that_mtu()
    {
        // A—B over TCP (65,507-byte frames), B—C over UDP with B's frames capped at 1,452 bytes and not cut into segments.
        await using var line = await ThreeNodeLine.StartAsync(
            TransportKind.Tcp, schemeCtoB: TransportKind.Udp, linkOptionsB: new LinkOptions { UdpMaxFrameSize = 1452, UdpSegments = false });
        var relayMtu = 1452 - FrameLayout.TransportOverhead - Protocol.Data.InnerLayout.Overhead;
        var packet = Packets.Udp6(line.AddressA, line.AddressC, new byte[1400 - 48]);

        line.TunA.Inject(packet);

        Assert.True(line.TunA.TryTakeWritten(Wait, out var icmp));
        Assert.Equal((2, 0), (icmp[40], icmp[41]));
        Assert.Equal((uint)relayMtu, BinaryPrimitives.ReadUInt32BigEndian(icmp.AsSpan(44)));
        Assert.Equal(OverlayAddressing.DeriveAddress(line.NodeB.Identity.Public, OverlayAddressing.DefaultPrefix), Packets.Source(icmp));
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(icmp.AsSpan(42)), Packets.Ipv6UpperChecksum(icmp));
        Assert.Equal(packet[..96], icmp[48..]);
        Assert.Equal(1, line.B.Counters.Drops[ForwardDrop.TooBig]);
        Assert.Equal(0, line.TunC.WrittenCount);

        var fits = Packets.Udp6(line.AddressA, line.AddressC, new byte[relayMtu - 48]);
        line.TunA.Inject(fits);
        Assert.True(line.TunC.TryTakeWritten(Wait, out var delivered));
        Assert.Equal(fits, delivered);
    }

    [Fact]
    public async Task No_route_answers_with_icmpv6_unreachable_into_the_sending_tun()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp);
        var nowhere = IPAddress.Parse("fd6d:dead:beef::1");
        var packet = Packets.Udp6(line.AddressA, nowhere, [1, 2, 3, 4]);

        line.TunA.Inject(packet);

        Assert.True(line.TunA.TryTakeWritten(Wait, out var icmp));
        Assert.Equal(58, icmp[6]);
        Assert.Equal(1, icmp[40]);
        Assert.Equal(line.AddressA, Packets.Destination(icmp));
        Assert.Equal(new IPAddress(line.A.LocalAddress), Packets.Source(icmp));
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(icmp.AsSpan(42)), Packets.Ipv6UpperChecksum(icmp));
        Assert.Equal(packet, icmp[48..]);
        Assert.Equal(1, line.A.Counters.Drops[ForwardDrop.NoRoute]);
    }

    [Fact]
    public async Task A_packet_larger_than_the_link_carries_earns_packet_too_big_with_the_mtu()
    {
        var linkOptions = new LinkOptions { UdpMaxFrameSize = 1452, UdpSegments = false };
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Udp, linkOptions);
        var expectedMtu = 1452 - FrameLayout.TransportOverhead - Protocol.Data.InnerLayout.Overhead;
        var packet = Packets.Udp6(line.AddressA, line.AddressC, new byte[1400 - 48]);

        line.TunA.Inject(packet);

        Assert.True(line.TunA.TryTakeWritten(Wait, out var icmp));
        Assert.Equal(2, icmp[40]);
        Assert.Equal((uint)expectedMtu, BinaryPrimitives.ReadUInt32BigEndian(icmp.AsSpan(44)));
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(icmp.AsSpan(42)), Packets.Ipv6UpperChecksum(icmp));
        Assert.Equal(expectedMtu, line.AtoB.MaxInnerPacket);

        var fits = Packets.Udp6(line.AddressA, line.AddressC, new byte[expectedMtu - 48]);
        line.TunA.Inject(fits);
        Assert.True(line.TunC.TryTakeWritten(Wait, out var delivered));
        Assert.Equal(fits, delivered);
    }

    [Fact]
    public async Task A_source_address_outside_the_senders_prefixes_is_dropped_at_the_destination()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp);
        var forged = StaticRoutes.HostIn(line.SubnetB, 9);

        line.TunA.Inject(Packets.Udp6(forged, line.AddressC, [6, 6, 6]));

        await Eventually.True(() => line.C.Counters.Drops[ForwardDrop.ForgedSource] == 1);
        Assert.Equal(0, line.TunC.WrittenCount);
        Assert.Equal(1, line.C.EndToEnd.Opens[EndToEndStatus.Opened]);
    }

    [Fact]
    public async Task Kernel_noise_from_the_tun_is_filtered()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp);

        line.TunA.Inject(Packets.Udp6(IPAddress.Parse("fe80::1"), IPAddress.Parse("ff02::2"), [], nextHeader: 58));

        await Eventually.True(() => line.A.Counters.Drops[ForwardDrop.Filtered] == 1);
        Assert.Equal(0, line.TunA.WrittenCount);
        Assert.Equal(0, line.A.Counters.Drops[ForwardDrop.NoRoute]);
    }

    [Fact]
    public async Task Message_chunks_travel_the_same_path_and_reach_the_message_handler()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp);
        Assert.True(line.A.TrySendMessage(line.NodeC.Identity.Public, "hello bus"u8));

        var (from, body) = await line.MessagesAtC.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal(line.NodeA.Identity.Public, from);
        Assert.Equal("hello bus"u8.ToArray(), body);
        await Eventually.True(() => line.B.Counters.Packets[ForwardPath.Relayed] == 1);
        Assert.Equal(0, line.TunC.WrittenCount);
    }

    [Fact]
    public async Task Encryption_audit_refuses_data_frames_that_were_not_sealed_end_to_end()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp, new LinkOptions { AuditEncryption = true });
        Assert.True(line.NodeA.Pool.TryRent(out var plaintext));
        plaintext.Set(BufferLayout.PayloadOffset, 200);

        Assert.False(line.AtoB.TrySendData(plaintext));
        Assert.Equal(1, line.AtoB.Stats.Drops[LinkDrop.Unsealed]);

        var packet = Packets.Udp6(line.AddressA, line.AddressC, [1]);
        line.TunA.Inject(packet);
        Assert.True(line.TunC.TryTakeWritten(Wait, out var delivered));
        Assert.Equal(packet, delivered);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Both_link_sealing_modes_carry_packets_intact(bool sealWholeDataFrames)
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp, new LinkOptions { SealWholeDataFrames = sealWholeDataFrames });
        var packet = Packets.Udp6(line.AddressA, line.AddressC, Enumerable.Range(0, 1200).Select(i => (byte)i).ToArray());

        Assert.True(line.TunA.Inject(packet));

        Assert.True(line.TunC.TryTakeWritten(Wait, out var delivered));
        Assert.Equal(packet, delivered);
        await Eventually.True(() => line.B.Counters.Packets[ForwardPath.Relayed] == 1);
    }

    [Fact]
    public async Task A_changed_end_to_end_body_is_dropped_at_the_destination_and_never_reaches_its_tun()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp);
        line.TamperAtRelay(payload => payload.Span[payload.Length / 2] ^= 0x40);
        var packet = Packets.Udp6(line.AddressA, line.AddressC, new byte[600]);

        Assert.True(line.TunA.Inject(packet));

        await Eventually.True(() => line.C.Counters.Drops[ForwardDrop.DecryptFailed] == 1);
        await Eventually.True(() => line.B.Counters.Packets[ForwardPath.Relayed] == 1);
        Assert.Equal(0, line.C.EndToEnd.Opens[EndToEndStatus.Opened]);
        Assert.Equal(0, line.TunC.WrittenCount);
    }

    private static string Dump(Forwarder f) => string.Join(",", f.Counters.Drops.NonZero().Select(kv => $"{kv.Key}={kv.Value}"));

    private static string Dump(LoopbackNode n) => $"pool exhausted={n.Pool.Exhausted}";
}
