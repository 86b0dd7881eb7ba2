using System.Net;
using MeshActors.Protocol.Nat;
using MeshActors.Protocol.Routing;

namespace MeshActors.Protocol.Tests.Nat;

public sealed class ReflectionCodecTests
{
    [Theory]
    [InlineData("198.51.100.7", 40000, ReflectionCodec.Ipv4Size)]
    [InlineData("2001:db8::1", 9651, ReflectionCodec.Ipv6Size)]
    public void Round_trips(string address, int port, int size)
    {
        var seen = new IPEndPoint(IPAddress.Parse(address), port);
        var payload = ReflectionCodec.Encode(seen);

        Assert.Equal(size, payload.Length);
        Assert.Equal(ControlKinds.Reflection, payload[0]);
        Assert.True(ReflectionCodec.TryDecode(payload, out var decoded));
        Assert.Equal(seen, decoded);
    }

    [Fact]
    public void An_ipv4_address_seen_through_a_dual_stack_socket_travels_as_ipv4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:10.1.2.3"), 5000);

        var payload = ReflectionCodec.Encode(mapped);

        Assert.Equal(ReflectionCodec.Ipv4Size, payload.Length);
        Assert.Equal([0x20, 1, 4, 0, 0x13, 0x88, 10, 1, 2, 3], payload);
        Assert.True(ReflectionCodec.TryDecode(payload, out var decoded));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 5000), decoded);
    }

    public static TheoryData<byte[]> Malformed => new()
    {
        Array.Empty<byte>(),
        new byte[] { 0x20, 1, 4, 0, 0 },
        new byte[] { 0x21, 1, 4, 0, 0, 1, 10, 0, 0, 1 },
        new byte[] { 0x20, 2, 4, 0, 0, 1, 10, 0, 0, 1 },
        new byte[] { 0x20, 1, 5, 0, 0, 1, 10, 0, 0, 1 },
        new byte[] { 0x20, 1, 4, 1, 0, 1, 10, 0, 0, 1 },
        new byte[] { 0x20, 1, 4, 0, 0, 0, 10, 0, 0, 1 },
        new byte[] { 0x20, 1, 4, 0, 0, 1, 10, 0, 0, 1, 9 },
        new byte[] { 0x20, 1, 6, 0, 0, 1, 10, 0, 0, 1 },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_payloads_are_refused(byte[] payload)
    {
        Assert.False(ReflectionCodec.TryDecode(payload, out var seen));
        Assert.Null(seen);
    }

    [Fact]
    public void Port_zero_cannot_be_encoded() =>
        Assert.Throws<ArgumentException>(() => ReflectionCodec.Encode(new IPEndPoint(IPAddress.Loopback, 0)));
}
