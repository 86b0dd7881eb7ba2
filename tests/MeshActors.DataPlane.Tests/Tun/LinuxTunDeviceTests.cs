using System.Net;
using System.Net.Sockets;
using System.Text;
using MeshActors.DataPlane.Tun;
using MeshActors.DataPlane.Tun.Linux;
using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tests.Tun;

/// <summary>
/// Real TUN interfaces in the test process's network namespace. Every test owns one interface name
/// (matst0..matst11; <see cref="LinuxTunOffloadTests"/> has 12 and 13) and one test prefix (fd6d:ffff:N::/64, fd6d:fffe:N::/48, 10.250.N.x, 10.251.N.0/24), so nothing
/// touches the host's own routes; interfaces are not persistent and vanish with the device even if a test dies.
/// Traffic only goes to addresses routed into the test's own interface. Another test process on the machine waits
/// for <see cref="HostTunLock"/> instead of taking the same names.
/// </summary>
[Collection(HostTunCollection.Name)]
public sealed class LinuxTunDeviceTests
{
    private const int Mtu = 1400;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    [LinuxTunFact]
    public void Open_sets_mtu_brings_the_link_up_and_installs_addresses_and_routes()
    {
        using var tun = Open(0, routes: ["fd6d:fffe:0::/48", "10.251.0.0/24"]);

        Assert.Equal("matst0", tun.Name);
        var link = IpShow.Link("matst0");
        Assert.Contains($"mtu {Mtu}", link);
        Assert.Contains(",UP", link);
        var addresses = IpShow.Addresses("matst0");
        Assert.Contains("inet6 fd6d:ffff::1/64", addresses);
        Assert.Contains("inet 10.250.0.1/32", addresses);
        Assert.Contains("dev matst0", IpShow.RouteTo("fd6d:fffe::/48"));
        Assert.Contains("dev matst0", IpShow.RouteTo("10.251.0.0/24"));
        Assert.Equal(2, tun.Routes.Count);
    }

    [LinuxTunFact]
    public void Dispose_removes_the_interface_with_its_addresses_and_routes()
    {
        var tun = Open(1, routes: ["fd6d:fffe:1::/48", "10.251.1.0/24"]);
        Assert.True(IpShow.LinkExists("matst1"));

        tun.Dispose();

        Assert.False(IpShow.LinkExists("matst1"));
        Assert.Equal("", IpShow.RouteTo("fd6d:fffe:1::/48"));
        Assert.Equal("", IpShow.RouteTo("10.251.1.0/24"));
        Assert.Empty(tun.Routes);
    }

    [LinuxTunFact]
    public void AddRoute_and_RemoveRoute_change_the_kernel_routing_table()
    {
        using var tun = Open(2);
        var v6 = IpPrefix.Parse("fd6d:fffe:2::/48");
        var v4 = IpPrefix.Parse("10.251.2.0/24");

        tun.AddRoute(v6);
        tun.AddRoute(v4);
        tun.AddRoute(v4);

        Assert.Contains("dev matst2", IpShow.RouteTo("fd6d:fffe:2::/48"));
        Assert.Contains("dev matst2", IpShow.RouteTo("10.251.2.0/24"));
        Assert.Equal([v6, v4], tun.Routes.OrderBy(p => p.Family == AddressFamily.InterNetwork));

        Assert.True(tun.RemoveRoute(v4));
        Assert.False(tun.RemoveRoute(v4));
        Assert.Equal("", IpShow.RouteTo("10.251.2.0/24"));
        Assert.Contains("dev matst2", IpShow.RouteTo("fd6d:fffe:2::/48"));
    }

    [LinuxTunFact]
    public void Kernel_answers_an_echo_request_written_into_the_device()
    {
        using var tun = Open(3);
        var node = IPAddress.Parse("fd6d:ffff:3::1");
        var peer = IPAddress.Parse("fd6d:ffff:3::2");
        var payload = Encoding.ASCII.GetBytes("meshactors tun echo");

        Assert.Equal(TunWriteStatus.Written, tun.Write(TestPackets.EchoRequest(peer, node, id: 0x4d41, sequence: 7, payload)));

        var reply = ReadUntil(tun, p => IsEchoReply(p, peer, id: 0x4d41));
        Assert.NotNull(reply);
        Assert.Equal(node, TestPackets.Source(reply));
        Assert.True(TestPackets.ChecksumValid(reply));
        Assert.Equal(payload, TestPackets.Payload(reply)[8..].ToArray());
    }

    [LinuxTunFact]
    public void ReadBatch_takes_several_queued_packets_in_one_call()
    {
        using var tun = Open(4);
        var node = IPAddress.Parse("fd6d:ffff:4::1");
        var peer = IPAddress.Parse("fd6d:ffff:4::2");
        const int requests = 4;
        for (ushort i = 0; i < requests; i++)
        {
            Assert.Equal(TunWriteStatus.Written, tun.Write(TestPackets.EchoRequest(peer, node, id: 0x4d42, sequence: i, [])));
        }

        // The kernel answers within each write (the device's receive path runs in the writer's system call), so the
        // replies are queued by now; reading on until all are in keeps the test independent of that and of load.
        var buffers = Enumerable.Range(0, 16).Select(_ => new Memory<byte>(new byte[Mtu])).ToArray();
        var sizes = new int[buffers.Length];
        var replies = 0;
        var largestBatch = 0;
        var reader = new Thread(() =>
        {
            while (replies < requests && tun.ReadBatch(buffers, sizes) is var count and > 0)
            {
                var found = Enumerable.Range(0, count).Count(i => IsEchoReply(buffers[i][..sizes[i]].ToArray(), peer, id: 0x4d42));
                replies += found;
                largestBatch = Math.Max(largestBatch, found);
            }
        });
        reader.Start();
        if (!reader.Join(ReadTimeout))
        {
            tun.Dispose();
            reader.Join();
        }

        Assert.Equal(requests, replies);
        Assert.True(largestBatch > 1, "every call returned a single reply");
    }

    [LinuxTunFact]
    public void Udp_datagrams_cross_between_a_socket_and_the_device_both_ways()
    {
        using var tun = Open(5);
        var node = IPAddress.Parse("fd6d:ffff:5::1");
        var peer = IPAddress.Parse("fd6d:ffff:5::2");
        const ushort peerPort = 40005;
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
        socket.Bind(new IPEndPoint(node, 0));
        var nodePort = (ushort)((IPEndPoint)socket.LocalEndPoint!).Port;

        var inbound = Encoding.ASCII.GetBytes("into the node");
        Assert.Equal(TunWriteStatus.Written, tun.Write(TestPackets.Udp(peer, peerPort, node, nodePort, inbound)));
        var received = new byte[100];
        EndPoint from = new IPEndPoint(IPAddress.IPv6Any, 0);
        var length = socket.ReceiveFrom(received, ref from);
        Assert.Equal(inbound, received[..length]);
        Assert.Equal(new IPEndPoint(peer, peerPort), from);

        var outbound = Encoding.ASCII.GetBytes("into the mesh");
        socket.SendTo(outbound, new IPEndPoint(peer, peerPort));
        var packet = ReadUntil(tun, p => TestPackets.IsIpv6(p) && TestPackets.NextHeader(p) == TestPackets.NextHeaderUdp
                                         && TestPackets.Destination(p).Equals(peer));
        Assert.NotNull(packet);
        Assert.True(TestPackets.ChecksumValid(packet));
        Assert.Equal(outbound, TestPackets.Payload(packet)[8..].ToArray());
    }

    [LinuxTunFact]
    public void With_checksum_offload_written_udp_is_marked_partial_and_reads_stay_plain_packets()
    {
        using var tun = Open(10, checksumOffload: true);
        Assert.Equal(TunOffload.Checksum, tun.Offload);
        var node = IPAddress.Parse("fd6d:ffff:10::1");
        var peer = IPAddress.Parse("fd6d:ffff:10::2");
        const ushort peerPort = 40010;
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 30_000 };
        socket.Bind(new IPEndPoint(node, 0));
        var nodePort = (ushort)((IPEndPoint)socket.LocalEndPoint!).Port;

        // A plain write of a datagram whose checksum is wrong is dropped by the kernel; the same datagram written from
        // a batch is marked partial, which the kernel takes as checked. What arrives shows which was which.
        var dropped = Corrupted(TestPackets.Udp(peer, peerPort, node, nodePort, Encoding.ASCII.GetBytes("plain, bad sum")));
        Assert.Equal(TunWriteStatus.Written, tun.Write(dropped));
        var marked = Corrupted(TestPackets.Udp(peer, peerPort, node, nodePort, Encoding.ASCII.GetBytes("marked partial")));
        Assert.Equal(1, tun.WriteBatch(new Memory<byte>[] { marked }, out var rejected));
        Assert.Equal(0, rejected);
        var received = new byte[100];
        var length = socket.Receive(received);
        Assert.Equal("marked partial", Encoding.ASCII.GetString(received, 0, length));

        socket.SendTo(Encoding.ASCII.GetBytes("into the mesh"), new IPEndPoint(peer, peerPort));
        var packet = ReadUntil(tun, p => TestPackets.IsIpv6(p) && TestPackets.NextHeader(p) == TestPackets.NextHeaderUdp
                                         && TestPackets.Destination(p).Equals(peer));
        Assert.NotNull(packet);
        Assert.True(TestPackets.ChecksumValid(packet));
        Assert.Equal("into the mesh", Encoding.ASCII.GetString(TestPackets.Payload(packet)[8..]));
    }

    [LinuxTunFact]
    public void Without_checksum_offload_the_device_reports_none_and_writes_plain_packets()
    {
        using var tun = Open(11);
        Assert.Equal(TunOffload.None, tun.Offload);
        var node = IPAddress.Parse("fd6d:ffff:11::1");
        var peer = IPAddress.Parse("fd6d:ffff:11::2");
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 30_000 };
        socket.Bind(new IPEndPoint(node, 0));
        var nodePort = (ushort)((IPEndPoint)socket.LocalEndPoint!).Port;

        var bad = Corrupted(TestPackets.Udp(peer, 40011, node, nodePort, Encoding.ASCII.GetBytes("bad sum")));
        var good = TestPackets.Udp(peer, 40011, node, nodePort, Encoding.ASCII.GetBytes("good sum"));
        Assert.Equal(2, tun.WriteBatch(new Memory<byte>[] { bad, good }, out _));
        var received = new byte[100];
        var length = socket.Receive(received);
        Assert.Equal("good sum", Encoding.ASCII.GetString(received, 0, length));
    }

    [LinuxTunFact]
    public void Dispose_wakes_a_blocked_reader_and_later_calls_report_closed()
    {
        var tun = Open(6);
        var lastRead = -1;
        var reader = new Thread(() =>
        {
            var buffer = new byte[Mtu];
            int n;
            while ((n = tun.Read(buffer)) > 0)
            {
                // The kernel's own router solicitations and MLD reports may arrive first.
            }

            lastRead = n;
        });
        reader.Start();
        Thread.Sleep(300);
        Assert.True(reader.IsAlive, "reader should be parked in poll()");

        tun.Dispose();

        Assert.True(reader.Join(TimeSpan.FromSeconds(30)), "Dispose did not wake the blocked reader");
        Assert.Equal(0, lastRead);
        Assert.Equal(0, tun.Read(new byte[Mtu]));
        Assert.Equal(TunWriteStatus.Closed, tun.Write(new byte[48]));
        Assert.Equal(0, tun.WriteBatch(new Memory<byte>[] { new byte[48] }, out _));
        Assert.False(IpShow.LinkExists("matst6"));
    }

    [LinuxTunFact]
    public void A_malformed_packet_is_rejected_and_the_device_stays_usable()
    {
        using var tun = Open(7);
        var node = IPAddress.Parse("fd6d:ffff:7::1");
        var peer = IPAddress.Parse("fd6d:ffff:7::2");
        var garbage = new byte[48];

        var consumed = tun.WriteBatch(new Memory<byte>[] { garbage, TestPackets.EchoRequest(peer, node, 0x4d47, 1, []) }, out var rejected);

        Assert.Equal(2, consumed);
        Assert.Equal(1, rejected);
        Assert.Equal(TunWriteStatus.Rejected, tun.Write(garbage));
        Assert.NotNull(ReadUntil(tun, p => IsEchoReply(p, peer, 0x4d47)));
    }

    [LinuxTunFact]
    public void A_name_already_attached_to_a_device_is_busy()
    {
        using var first = Open(8);

        var error = Assert.Throws<TunDeviceException>(() => Open(8));

        Assert.Contains("already attached", error.Message);
        Assert.True(IpShow.LinkExists("matst8"));
    }

    [LinuxTunFact]
    public void A_name_taken_by_a_non_tun_interface_is_refused()
    {
        var error = Assert.Throws<TunDeviceException>(() => LinuxTunDevice.Open(new TunOptions { Name = "lo", Mtu = Mtu }));

        Assert.Contains("not a TUN interface", error.Message);
    }

    [LinuxTunFact]
    public void A_refused_address_fails_the_open_and_leaves_no_interface()
    {
        var options = new TunOptions
        {
            Name = "matst9",
            Mtu = Mtu,
            Addresses = [TunAddress.Parse("10.250.9.1/32"), TunAddress.Parse("10.250.9.1/32")],
        };

        var error = Assert.Throws<TunDeviceException>(() => LinuxTunDevice.Open(options));

        Assert.Contains("ip -4 address add 10.250.9.1/32 dev matst9", error.Message);
        Assert.False(IpShow.LinkExists("matst9"));
    }

    [LinuxTunFact]
    public void Read_buffers_smaller_than_the_mtu_are_refused()
    {
        using var tun = Open(9);

        Assert.Throws<ArgumentException>(() => tun.Read(new byte[Mtu - 1]));
    }

    [Fact]
    public void Invalid_interface_names_fail_before_any_system_call()
    {
        foreach (var name in new[] { "name-longer-than-15", "bad/name", "bad name", "a:b", ".." })
        {
            var error = Assert.Throws<TunDeviceException>(() => LinuxTunDevice.Open(new TunOptions { Name = name, Mtu = Mtu }));
            Assert.Contains("not a valid Linux interface name", error.Message);
        }
    }

    private static LinuxTunDevice Open(int n, string[]? routes = null, bool checksumOffload = false)
    {
        var tun = LinuxTunDevice.Open(new TunOptions
        {
            Name = $"matst{n}",
            Mtu = Mtu,
            ChecksumOffload = checksumOffload,
            Addresses = [TunAddress.Parse($"fd6d:ffff:{n}::1/64"), TunAddress.Parse($"10.250.{n}.1/32")],
            Routes = (routes ?? []).Select(IpPrefix.Parse).ToArray(),
        });
        IpShow.WaitUntilLocal($"fd6d:ffff:{n}::1");
        return tun;
    }

    /// <summary>An IPv6 UDP packet with a wrong checksum (one bit of the field flipped).</summary>
    private static byte[] Corrupted(byte[] packet)
    {
        packet[TestPackets.Ipv6HeaderLength + 7] ^= 0x01;
        return packet;
    }

    private static bool IsEchoReply(byte[] packet, IPAddress destination, ushort id) =>
        TestPackets.IsIpv6(packet) && TestPackets.NextHeader(packet) == TestPackets.NextHeaderIcmpV6
        && packet[TestPackets.Ipv6HeaderLength] == TestPackets.IcmpV6EchoReply
        && TestPackets.Destination(packet).Equals(destination)
        && System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(TestPackets.Ipv6HeaderLength + 4)) == id;

    /// <summary>Reads on a thread of its own until a packet matches; on timeout disposes the device to free the thread.</summary>
    private static byte[]? ReadUntil(ITunDevice tun, Func<byte[], bool> match)
    {
        byte[]? found = null;
        var reader = new Thread(() =>
        {
            var buffer = new byte[tun.Mtu];
            int n;
            while ((n = tun.Read(buffer)) > 0)
            {
                if (match(buffer[..n]))
                {
                    found = buffer[..n];
                    return;
                }
            }
        });
        reader.Start();
        if (!reader.Join(ReadTimeout))
        {
            tun.Dispose();
            reader.Join();
        }

        return found;
    }
}
