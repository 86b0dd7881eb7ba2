using System.Buffers.Binary;
using System.Net;
using MeshActors.DataPlane.Forwarding;
using MeshActors.Protocol.Ip;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Forwarding;

public sealed class FlowHashTests
{
    private static readonly IPAddress Source6 = IPAddress.Parse("fd6d::1");
    private static readonly IPAddress Outside6 = IPAddress.Parse("2001:db8::1");
    private static readonly IPAddress Source4 = IPAddress.Parse("10.220.0.1");
    private static readonly IPAddress Outside4 = IPAddress.Parse("10.77.0.1");

    [Fact]
    public void Packets_of_one_flow_hash_alike_whatever_they_carry()
    {
        var first = Hash(Packets.Udp6(Source6, Outside6, [1, 2, 3], sourcePort: 50000));
        var second = Hash(Packets.Udp6(Source6, Outside6, new byte[700], hopLimit: 3, sourcePort: 50000));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Each_field_of_the_five_tuple_changes_the_hash()
    {
        var flow = Hash(Packets.Udp6(Source6, Outside6, [1], sourcePort: 50000));

        Assert.NotEqual(flow, Hash(Packets.Udp6(Source6, Outside6, [1], sourcePort: 50001)));
        Assert.NotEqual(flow, Hash(Packets.Udp6(IPAddress.Parse("fd6d::2"), Outside6, [1], sourcePort: 50000)));
        Assert.NotEqual(flow, Hash(Packets.Udp6(Source6, IPAddress.Parse("2001:db8::2"), [1], sourcePort: 50000)));
        Assert.NotEqual(flow, Hash(Packets.Udp6(Source6, Outside6, [1], nextHeader: 6, sourcePort: 50000)));
        var otherDestinationPort = Packets.Udp6(Source6, Outside6, [1], sourcePort: 50000);
        BinaryPrimitives.WriteUInt16BigEndian(otherDestinationPort.AsSpan(42), 5001);
        Assert.NotEqual(flow, Hash(otherDestinationPort));
    }

    [Fact]
    public void Ports_of_a_protocol_without_them_are_not_read()
    {
        // Next header 59 (no next header): the bytes where ports would be are payload and must not split a flow.
        var one = Packets.Udp6(Source6, Outside6, [1], nextHeader: 59, sourcePort: 50000);
        var other = Packets.Udp6(Source6, Outside6, [1], nextHeader: 59, sourcePort: 50001);

        Assert.Equal(Hash(one), Hash(other));
    }

    [Fact]
    public void Fragments_of_an_ipv4_datagram_hash_alike_without_ports()
    {
        var whole = Packets.Udp4(Source4, Outside4, [1, 2, 3]);
        var firstFragment = whole.ToArray();
        firstFragment[6] = 0x20; // more fragments, offset 0
        var laterFragment = whole.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(laterFragment.AsSpan(6), 0x0010); // offset 16 × 8 bytes
        BinaryPrimitives.WriteUInt32BigEndian(laterFragment.AsSpan(20), 0xdeadbeef); // payload where ports were

        Assert.Equal(Hash(firstFragment), Hash(laterFragment));
        Assert.NotEqual(Hash(whole), Hash(firstFragment));
    }

    [Fact]
    public void Hashes_spread_flows_evenly_over_buckets()
    {
        var buckets = new int[4];
        for (var port = 0; port < 4000; port++)
        {
            buckets[Hash(Packets.Udp4(Source4, Outside4, [1])
                .Also(packet => BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), (ushort)(20000 + port)))) % 4]++;
        }

        Assert.All(buckets, count => Assert.InRange(count, 850, 1150));
    }

    private static ulong Hash(byte[] packet)
    {
        var version = IpPacket.TryParse(packet);
        Assert.NotEqual(IpVersion.None, version);
        return FlowHash.Of(packet, version);
    }
}

file static class ByteArrayExtensions
{
    public static byte[] Also(this byte[] packet, Action<byte[]> change)
    {
        change(packet);
        return packet;
    }
}
