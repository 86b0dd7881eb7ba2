using System.Net;
using FsCheck;
using FsCheck.Xunit;
using MeshActors.Protocol.Socks;

namespace MeshActors.Protocol.Tests.Socks;

public sealed class Socks5CodecTests
{
    private static readonly byte[] ConnectIpv4 = [5, 1, 0, 1, 10, 0, 0, 7, 0x1F, 0x90];

    private static readonly byte[] ConnectIpv6 = [5, 1, 0, 4, 0xFD, 0x6D, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80];

    private static byte[] ConnectName(string name, ushort port = 443) =>
        [5, 1, 0, 3, (byte)name.Length, .. System.Text.Encoding.ASCII.GetBytes(name), (byte)(port >> 8), (byte)port];

    [Theory]
    [InlineData(new byte[] { 5, 1, 0 }, 3)]
    [InlineData(new byte[] { 5, 2, 2, 0 }, 4)]
    [InlineData(new byte[] { 5, 1, 0, 5, 1, 0 }, 3)]
    public void A_greeting_offering_no_authentication_is_complete_at_its_length(byte[] input, int expected)
    {
        Assert.Equal(SocksParse.Complete, Socks5Greeting.TryRead(input, out var length));
        Assert.Equal(expected, length);
    }

    [Theory]
    [InlineData(new byte[] { 4, 1, 0 }, SocksParse.BadVersion)]
    [InlineData(new byte[] { 0x47, 0x45, 0x54, 0x20 }, SocksParse.BadVersion)]
    [InlineData(new byte[] { 5, 0 }, SocksParse.Malformed)]
    [InlineData(new byte[] { 5, 1, 2 }, SocksParse.NoAcceptableMethod)]
    [InlineData(new byte[] { 5, 2, 1, 2 }, SocksParse.NoAcceptableMethod)]
    [InlineData(new byte[] { }, SocksParse.NeedMore)]
    [InlineData(new byte[] { 5 }, SocksParse.NeedMore)]
    [InlineData(new byte[] { 5, 3, 0, 1 }, SocksParse.NeedMore)]
    public void A_bad_or_truncated_greeting_says_why(byte[] input, SocksParse expected) =>
        Assert.Equal(expected, Socks5Greeting.TryRead(input, out _));

    [Fact]
    public void The_longest_greeting_is_255_methods_and_the_choice_is_two_bytes()
    {
        var greeting = new byte[Socks5.MaxGreetingLength];
        greeting[0] = 5;
        greeting[1] = 255;
        greeting[^1] = 0;
        Assert.Equal(SocksParse.Complete, Socks5Greeting.TryRead(greeting, out var length));
        Assert.Equal(Socks5.MaxGreetingLength, length);

        var choice = new byte[2];
        Assert.Equal(2, Socks5Greeting.WriteChoice(choice, accepted: true));
        Assert.Equal(new byte[] { 5, 0 }, choice);
        Socks5Greeting.WriteChoice(choice, accepted: false);
        Assert.Equal(new byte[] { 5, 0xFF }, choice);
    }

    [Fact]
    public void Requests_for_ipv4_ipv6_and_names_read_their_target_and_length()
    {
        Assert.Equal(SocksParse.Complete, Socks5Request.TryRead(ConnectIpv4, out var v4, out var length));
        Assert.Equal(new Socks5Request(SocksCommand.Connect, IPAddress.Parse("10.0.0.7"), null, 8080), v4);
        Assert.Equal(ConnectIpv4.Length, length);

        Assert.Equal(SocksParse.Complete, Socks5Request.TryRead(ConnectIpv6, out var v6, out length));
        Assert.Equal(new Socks5Request(SocksCommand.Connect, IPAddress.Parse("fd6d::1"), null, 80), v6);
        Assert.Equal(ConnectIpv6.Length, length);

        byte[] name = [.. ConnectName("c.mesh"), 0x47, 0x45, 0x54];
        Assert.Equal(SocksParse.Complete, Socks5Request.TryRead(name, out var byName, out length));
        Assert.Equal(new Socks5Request(SocksCommand.Connect, null, "c.mesh", 443), byName);
        Assert.Equal(name.Length - 3, length);

        Assert.Equal(SocksParse.Complete, Socks5Request.TryRead(ConnectName("fd6d::1"), out var literal, out _));
        Assert.Equal("fd6d::1", literal!.Host);
    }

    [Fact]
    public void Bind_and_udp_associate_are_read_so_the_gateway_can_refuse_them()
    {
        byte[] bind = [.. ConnectIpv4];
        bind[1] = (byte)SocksCommand.Bind;
        Assert.Equal(SocksParse.Complete, Socks5Request.TryRead(bind, out var request, out _));
        Assert.Equal(SocksCommand.Bind, request!.Command);
        bind[1] = (byte)SocksCommand.UdpAssociate;
        Assert.Equal(SocksParse.Complete, Socks5Request.TryRead(bind, out request, out _));
        Assert.Equal(SocksCommand.UdpAssociate, request!.Command);
    }

    [Theory]
    [InlineData(new byte[] { 4, 1, 0, 1, 10, 0, 0, 7, 0, 80 }, SocksParse.BadVersion)]
    [InlineData(new byte[] { 5, 1, 1, 1, 10, 0, 0, 7, 0, 80 }, SocksParse.Malformed)]
    [InlineData(new byte[] { 5, 1, 0, 2, 10, 0, 0, 7, 0, 80 }, SocksParse.UnsupportedAddressType)]
    [InlineData(new byte[] { 5, 1, 0, 3, 0, 0, 80 }, SocksParse.Malformed)]
    [InlineData(new byte[] { 5, 1, 0, 3, 3, (byte)'a', (byte)' ', (byte)'b', 0, 80 }, SocksParse.Malformed)]
    [InlineData(new byte[] { 5, 1, 0, 3, 2, (byte)'a', 0, 0, 80 }, SocksParse.Malformed)]
    [InlineData(new byte[] { 5, 1, 0, 3, 2, (byte)'a', 0xC3, 0, 80 }, SocksParse.Malformed)]
    public void A_bad_request_says_why(byte[] input, SocksParse expected) =>
        Assert.Equal(expected, Socks5Request.TryRead(input, out _, out _));

    [Fact]
    public void Every_proper_prefix_of_a_valid_request_needs_more_and_the_longest_name_fits_the_maximum()
    {
        foreach (var request in new[] { ConnectIpv4, ConnectIpv6, ConnectName("b.mesh"), ConnectName(new string('x', 255)) })
        {
            for (var cut = 0; cut < request.Length; cut++)
            {
                Assert.Equal(SocksParse.NeedMore, Socks5Request.TryRead(request.AsSpan(0, cut), out var partial, out _));
                Assert.Null(partial);
            }
        }

        Assert.Equal(Socks5.MaxRequestLength, ConnectName(new string('x', 255)).Length);
    }

    [Theory]
    [InlineData("10.0.0.7", 8080, new byte[] { 5, 0, 0, 1, 10, 0, 0, 7, 0x1F, 0x90 })]
    [InlineData("::ffff:127.0.0.1", 1, new byte[] { 5, 0, 0, 1, 127, 0, 0, 1, 0, 1 })]
    [InlineData("fd6d::1", 80, new byte[] { 5, 0, 0, 4, 0xFD, 0x6D, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80 })]
    public void A_success_reply_carries_the_bound_address_and_port(string address, int port, byte[] expected)
    {
        var reply = new byte[Socks5.MaxReplyLength];
        var length = Socks5Reply.Write(reply, SocksReply.Succeeded, new IPEndPoint(IPAddress.Parse(address), port));
        Assert.Equal(expected, reply[..length]);
    }

    [Fact]
    public void A_refusal_reply_carries_its_code_and_no_address()
    {
        var reply = new byte[Socks5.MaxReplyLength];
        var length = Socks5Reply.Write(reply, SocksReply.CommandNotSupported, null);
        Assert.Equal(new byte[] { 5, 7, 0, 1, 0, 0, 0, 0, 0, 0 }, reply[..length]);
    }

    /// <summary>Any bytes at all: the readers never throw, a whole message never claims more than was given, and only a
    /// whole message has a length.</summary>
    [Property(MaxTest = 2000)]
    public bool Random_input_never_throws_and_never_reads_past_its_end(byte[] input)
    {
        input ??= [];
        var greeting = Socks5Greeting.TryRead(input, out var greetingLength);
        var request = Socks5Request.TryRead(input, out var read, out var requestLength);
        return greetingLength <= input.Length && requestLength <= input.Length
            && (greeting is SocksParse.Complete or SocksParse.NoAcceptableMethod) == (greetingLength > 0)
            && (request == SocksParse.Complete) == (read is not null && requestLength > 0);
    }

    /// <summary>Random input behind the version byte, so the deeper branches are reached too.</summary>
    [Property(MaxTest = 2000)]
    public bool Random_bodies_after_a_valid_version_never_throw(byte[] body, byte command, byte addressType)
    {
        byte[] input = [5, command, 0, addressType, .. body ?? []];
        var parse = Socks5Request.TryRead(input, out var request, out var length);
        return length <= input.Length && (parse != SocksParse.Complete || request!.Port == ((input[length - 2] << 8) | input[length - 1]));
    }
}
