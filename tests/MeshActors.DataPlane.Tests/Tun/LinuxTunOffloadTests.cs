using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Tun;
using MeshActors.DataPlane.Tun.Linux;
using MeshActors.Protocol.Counting;
using static MeshActors.DataPlane.Tests.Tun.TestPackets;

namespace MeshActors.DataPlane.Tests.Tun;

/// <summary>
/// Segmentation offload against the real kernel: the test plays the far end of a TCP connection with the host's own
/// stack through a TUN device (matst12, matst13; prefixes fd6d:ffff:12::/64 and fd6d:ffff:13::/64), reading what the
/// kernel sends and writing what a peer would, so the kernel's TSO output and its GRO-style input are both checked
/// by the kernel itself: a stream arrives whole and in order or the test fails.
/// </summary>
[Collection(HostTunCollection.Name)]
public sealed class LinuxTunOffloadTests
{
    private const int Mtu = 1400;
    private const ushort PeerPort = 5201;
    private const uint PeerIsn = 1_000_000;

    /// <summary>SOL_UDP and UDP_SEGMENT (linux/udp.h): one send makes datagrams of the given payload size.</summary>
    private const int SolUdp = 17;
    private const int UdpSegment = 103;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Retransmit = TimeSpan.FromSeconds(1);

    [LinuxTunFact]
    public void A_stream_the_kernel_sends_arrives_as_super_packets_cut_into_valid_segments()
    {
        using var tun = Open(12);
        using var kernel = new KernelPackets(tun);
        Assert.True(tun.Offload.HasFlag(TunOffload.TcpSegmentation), $"offload {tun.Offload}");
        var node = IPAddress.Parse("fd6d:ffff:12::1");
        var peer = IPAddress.Parse("fd6d:ffff:12::2");
        var sent = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 + (i >> 9))).ToArray();
        using var client = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { NoDelay = false };
        client.Bind(new IPEndPoint(node, 0));
        var connecting = client.ConnectAsync(new IPEndPoint(peer, PeerPort));

        // Answer the kernel's SYN, and its retransmissions should an answer be lost, until the connection is up.
        var syn = kernel.Next(p => IsTcp(p, peer) && (TcpFields(p).Flags & TcpSyn) != 0, Deadline);
        var (clientPort, _, clientIsn, _, _, _) = TcpFields(syn!);
        var synAck = Tcp(peer, PeerPort, node, clientPort, PeerIsn, clientIsn + 1, TcpSyn | TcpAck, [], maximumSegmentSize: Mtu - 60);
        var stop = DateTime.UtcNow + Deadline;
        do
        {
            Assert.Equal(TunWriteStatus.Written, tun.Write(synAck));
        }
        while (!connecting.Wait(Retransmit) && DateTime.UtcNow < stop);

        Assert.True(connecting.IsCompletedSuccessfully);
        var sending = Task.Run(() =>
        {
            client.Send(sent);
            client.Shutdown(SocketShutdown.Send);
        });

        var received = new MemoryStream();
        var next = clientIsn + 1;
        var segments = 0;
        stop = DateTime.UtcNow + Deadline;
        while (received.Length < sent.Length && DateTime.UtcNow < stop)
        {
            var packet = kernel.Next(p => IsTcp(p, peer) && (TcpFields(p).Flags & TcpSyn) == 0, Deadline);
            Assert.NotNull(packet);
            Assert.True(packet.Length <= Mtu, $"a {packet.Length}-byte packet is longer than the MTU");
            Assert.True(ChecksumValid(packet), "a segment's checksum does not verify");
            var (_, _, sequence, _, _, dataOffset) = TcpFields(packet);
            if (sequence == next && packet.Length > dataOffset)
            {
                received.Write(packet, dataOffset, packet.Length - dataOffset);
                next += (uint)(packet.Length - dataOffset);
                segments++;
            }

            tun.Write(Tcp(peer, PeerPort, node, clientPort, PeerIsn + 1, next, TcpAck, []));
        }

        Assert.True(sending.Wait(Deadline));
        Assert.Equal(sent, received.ToArray());
        var counters = tun.OffloadCounters!;
        Assert.True(counters[TunOffloadEvent.SuperPacketsRead] > 0, Describe(counters));
        Assert.True(counters[TunOffloadEvent.SegmentsCut] > counters[TunOffloadEvent.SuperPacketsRead], Describe(counters));
        Assert.Equal(0, counters[TunOffloadEvent.MalformedRead]);
        Assert.True(segments >= sent.Length / (Mtu - 60));
    }

    [LinuxTunFact]
    public void Segments_written_in_one_batch_reach_the_kernel_merged_and_in_order()
    {
        using var tun = Open(13);
        using var kernel = new KernelPackets(tun);
        var node = IPAddress.Parse("fd6d:ffff:13::1");
        var peer = IPAddress.Parse("fd6d:ffff:13::2");
        using var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(node, 0));
        listener.Listen(1);
        var nodePort = (ushort)((IPEndPoint)listener.LocalEndPoint!).Port;
        var accepting = listener.AcceptAsync();

        // Send the SYN, again every second as a peer would, until the kernel answers.
        var syn = Tcp(peer, PeerPort, node, nodePort, PeerIsn, 0, TcpSyn, [], maximumSegmentSize: Mtu - 60);
        byte[]? synAck = null;
        for (var attempt = 0; synAck is null && attempt < Deadline / Retransmit; attempt++)
        {
            Assert.Equal(TunWriteStatus.Written, tun.Write(syn));
            synAck = kernel.Next(p => IsTcp(p, peer) && (TcpFields(p).Flags & (TcpSyn | TcpAck)) == (TcpSyn | TcpAck), Retransmit);
        }

        Assert.NotNull(synAck);
        var serverNext = TcpFields(synAck).Sequence + 1;
        Assert.Equal(TunWriteStatus.Written, tun.Write(Tcp(peer, PeerPort, node, nodePort, PeerIsn + 1, serverNext, TcpAck, [])));
        Assert.True(accepting.Wait(Deadline));
        using var server = accepting.Result;

        // 40 segments of 1,000 bytes: two flows' worth of merging is not needed, one run of one flow is what a link
        // reader hands the writer; the last segment is shorter, which ends the run where it is.
        var data = Enumerable.Range(0, 39_500).Select(i => (byte)(i * 7 + (i >> 8))).ToArray();
        var batch = new List<Memory<byte>>();
        for (var offset = 0; offset < data.Length; offset += 1_000)
        {
            var chunk = data.AsSpan(offset, Math.Min(1_000, data.Length - offset));
            batch.Add(Tcp(peer, PeerPort, node, nodePort, PeerIsn + 1 + (uint)offset, serverNext, TcpAck, chunk));
        }

        Assert.Equal(batch.Count, tun.WriteBatch(batch.ToArray(), out var rejected));
        Assert.Equal(0, rejected);

        var received = new byte[data.Length];
        var total = 0;
        server.ReceiveTimeout = (int)Deadline.TotalMilliseconds;
        while (total < received.Length)
        {
            var n = server.Receive(received, total, received.Length - total, SocketFlags.None);
            Assert.True(n > 0, "the connection closed early");
            total += n;
        }

        Assert.Equal(data, received);
        var counters = tun.OffloadCounters!;
        Assert.Equal(1, counters[TunOffloadEvent.SuperPacketsWritten]);
        Assert.Equal(batch.Count, counters[TunOffloadEvent.SegmentsCoalesced]);
        Assert.Equal(0, counters[TunOffloadEvent.SuperPacketsRefused]);
    }

    [LinuxTunFact]
    public void A_segmented_udp_send_arrives_as_one_super_packet_cut_into_valid_datagrams()
    {
        using var tun = Open(12);
        using var kernel = new KernelPackets(tun);
        Assert.True(tun.Offload.HasFlag(TunOffload.UdpSegmentation), $"offload {tun.Offload}");
        var node = IPAddress.Parse("fd6d:ffff:12::1");
        var peer = IPAddress.Parse("fd6d:ffff:12::2");
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(node, 0));
        Span<byte> segmentSize = stackalloc byte[sizeof(int)];
        BitConverter.TryWriteBytes(segmentSize, 1_000);
        socket.SetRawSocketOption(SolUdp, UdpSegment, segmentSize);
        var sent = Enumerable.Range(0, 9_500).Select(i => (byte)(i * 3 + (i >> 8))).ToArray();

        socket.SendTo(sent, new IPEndPoint(peer, PeerPort));

        var datagrams = new List<byte[]>();
        while (datagrams.Count < 10 && kernel.Next(p => IsIpv6(p) && NextHeader(p) == NextHeaderUdp && Destination(p).Equals(peer), Deadline) is { } datagram)
        {
            Assert.True(ChecksumValid(datagram), "a datagram's checksum does not verify");
            datagrams.Add(datagram);
        }

        Assert.Equal(sent, datagrams.SelectMany(d => d[(Ipv6HeaderLength + 8)..]));
        Assert.All(datagrams[..^1], d => Assert.Equal(Ipv6HeaderLength + 8 + 1_000, d.Length));
        Assert.Equal(1, tun.OffloadCounters![TunOffloadEvent.SuperPacketsRead]);
        Assert.Equal(10, tun.OffloadCounters[TunOffloadEvent.SegmentsCut]);
    }

    [LinuxTunFact]
    public void Without_segmentation_offload_the_device_has_no_offload_counters()
    {
        using var tun = LinuxTunDevice.Open(new TunOptions { Name = "matst12", Mtu = Mtu, ChecksumOffload = true });

        Assert.Equal(TunOffload.Checksum, tun.Offload);
        Assert.Null(tun.OffloadCounters);
    }

    private static LinuxTunDevice Open(int n)
    {
        var tun = LinuxTunDevice.Open(new TunOptions
        {
            Name = $"matst{n}",
            Mtu = Mtu,
            ChecksumOffload = true,
            SegmentationOffload = true,
            Addresses = [TunAddress.Parse($"fd6d:ffff:{n}::1/64")],
        });
        IpShow.WaitUntilLocal($"fd6d:ffff:{n}::1");
        return tun;
    }

    private static bool IsTcp(byte[] packet, IPAddress destination) =>
        IsIpv6(packet) && NextHeader(packet) == NextHeaderTcp && Destination(packet).Equals(destination);

    private static string Describe(CounterSet<TunOffloadEvent> counters) =>
        string.Join(", ", counters.NonZero().Select(c => $"{c.Key}={c.Value}"));

    /// <summary>Reads everything the kernel sends into the device on a thread of its own, for the test to pick from; ends when the device is disposed.</summary>
    private sealed class KernelPackets : IDisposable
    {
        private readonly BlockingCollection<byte[]> _packets = new();
        private readonly ITunDevice _tun;
        private readonly Thread _reader;

        public KernelPackets(ITunDevice tun)
        {
            _tun = tun;
            _reader = new Thread(() =>
            {
                var buffer = new byte[tun.Mtu];
                int n;
                while ((n = tun.Read(buffer)) > 0)
                {
                    _packets.Add(buffer[..n]);
                }
            }) { IsBackground = true };
            _reader.Start();
        }

        /// <summary>The next packet that matches, skipping others; null if none comes within <paramref name="wait"/>.</summary>
        public byte[]? Next(Func<byte[], bool> match, TimeSpan wait)
        {
            var stop = DateTime.UtcNow + wait;
            while (_packets.TryTake(out var packet, Max(stop - DateTime.UtcNow, TimeSpan.Zero)))
            {
                if (match(packet))
                {
                    return packet;
                }
            }

            return null;
        }

        public void Dispose()
        {
            _tun.Dispose();
            _reader.Join();
            _packets.Dispose();
        }

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }
}
