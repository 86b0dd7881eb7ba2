using System.Net;
using System.Net.Sockets;
using MeshActors.Node.Names;
using MeshActors.Node.Settings;
using MeshActors.Node.Socks;
using MeshActors.Testing.Doubles;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshActors.Node.Tests.Socks;

/// <summary>The gateway on loopback in this process: real sockets to echo servers, refusals with their reply codes and counters.</summary>
public sealed class SocksGatewayTests : IAsyncDisposable
{
    /// <summary>A name the fake system resolver knows (a mesh name is resolved in <see cref="SocksTargetsTests"/>).</summary>
    private const string OutsideName = "echo.example";

    private readonly EchoServer _echo = new(IPAddress.Loopback);
    private readonly SocksStats _stats;
    private readonly SocksGateway _gateway;

    public SocksGatewayTests() : this(SocksSettings.Off)
    {
    }

    private SocksGatewayTests(SocksSettings settings, Func<string, CancellationToken, Task<IPAddress[]>>? resolver = null)
    {
        _stats = new SocksStats(settings.MaxSessions);
        var targets = new SocksTargets(new NameDirectoryHolder(), "mesh", resolver ?? Resolve);
        _gateway = SocksGateway.Start(new IPEndPoint(IPAddress.Loopback, 0), settings, targets, _stats, NullLogger.Instance);
    }

    private IPEndPoint Gateway => _stats.Listen!;

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _echo.DisposeAsync();
    }

    private Task<IPAddress[]> Resolve(string host, CancellationToken cancellationToken) =>
        host == OutsideName ? Task.FromResult(new[] { IPAddress.Loopback }) : throw new SocketException((int)SocketError.HostNotFound);

    [Fact]
    public async Task Connect_by_address_relays_both_ways_and_passes_the_clients_half_close_on()
    {
        using var client = await SocksClient.ConnectAsync(Gateway);
        Assert.Equal(0, await client.HandshakeAsync(SocksClient.Connect(_echo.EndPoint)));

        var payload = new byte[300_000];
        Random.Shared.NextBytes(payload);
        var echoed = client.ReadAsync(payload.Length + 1);
        await client.SendAsync(payload);
        client.Socket.Shutdown(SocketShutdown.Send);

        // The echo server half-closes only after it saw our end of stream through the gateway, so the read ends.
        Assert.Equal(payload, await echoed);
        Assert.Equal(1, _stats.Events[SocksEvent.Connected]);
        Assert.Equal(payload.Length, _stats.Events[SocksEvent.BytesToTarget]);
        await Eventually.True(() => _stats.Events[SocksEvent.BytesFromTarget] == payload.Length && _stats.Sessions == 0);
        Assert.Equal(0, _stats.Refusals.Total);
    }

    [Fact]
    public async Task Connect_to_ipv6_loopback_and_to_a_name_the_system_resolver_knows()
    {
        await using var echo6 = new EchoServer(IPAddress.IPv6Loopback);
        using (var client = await SocksClient.ConnectAsync(Gateway))
        {
            Assert.Equal(0, await client.HandshakeAsync(SocksClient.Connect(echo6.EndPoint)));
            await client.SendAsync([1, 2, 3]);
            Assert.Equal(new byte[] { 1, 2, 3 }, await client.ReadAsync(3));
        }

        using (var client = await SocksClient.ConnectAsync(Gateway))
        {
            Assert.Equal(0, await client.HandshakeAsync(SocksClient.Connect(OutsideName, _echo.EndPoint.Port)));
            await client.SendAsync([4, 5]);
            Assert.Equal(new byte[] { 4, 5 }, await client.ReadAsync(2));
        }

        Assert.Equal(2, _stats.Events[SocksEvent.Connected]);
    }

    [Fact]
    public async Task Bytes_sent_behind_the_request_in_one_write_reach_the_target()
    {
        using var client = await SocksClient.ConnectAsync(Gateway);
        await client.SendAsync(SocksClient.Greeting, SocksClient.Connect(_echo.EndPoint), "hello"u8.ToArray());

        Assert.Equal(new byte[] { 5, 0 }, await client.ReadAsync(2));
        Assert.Equal(0, await client.ReadReplyAsync());
        Assert.Equal("hello"u8.ToArray(), await client.ReadAsync(5));
    }

    public static TheoryData<byte[], byte, SocksRefusal> RequestRefusals => new()
    {
        { [5, 2, 0, 1, 127, 0, 0, 1, 0, 80], 0x07, SocksRefusal.UnsupportedCommand },
        { [5, 3, 0, 1, 127, 0, 0, 1, 0, 80], 0x07, SocksRefusal.UnsupportedCommand },
        { [5, 9, 0, 1, 127, 0, 0, 1, 0, 80], 0x07, SocksRefusal.UnsupportedCommand },
        { [5, 1, 0, 2, 127, 0, 0, 1, 0, 80], 0x08, SocksRefusal.UnsupportedAddressType },
        { [5, 1, 1, 1, 127, 0, 0, 1, 0, 80], 0x01, SocksRefusal.Malformed },
        { [5, 1, 0, 3, 2, (byte)'a', (byte)'/', 0, 80], 0x01, SocksRefusal.Malformed },
        { [4, 1, 0, 1, 127, 0, 0, 1, 0, 80], 0x01, SocksRefusal.BadVersion },
        { SocksClient.Connect("nobody.mesh", 80), 0x04, SocksRefusal.UnknownName },
        { SocksClient.Connect("x.nobody.mesh", 80), 0x04, SocksRefusal.UnknownName },
        { SocksClient.Connect("nowhere.example", 80), 0x04, SocksRefusal.ResolveFailed },
    };

    [Theory]
    [MemberData(nameof(RequestRefusals))]
    public async Task A_refused_request_gets_its_reply_code_is_counted_and_closed(byte[] request, byte reply, SocksRefusal reason)
    {
        using var client = await SocksClient.ConnectAsync(Gateway);
        await client.SendAsync(SocksClient.Greeting, request);

        Assert.Equal(new byte[] { 5, 0 }, await client.ReadAsync(2));
        Assert.Equal(reply, await client.ReadReplyAsync());
        Assert.True(await client.ClosedAsync());
        await Eventually.True(() => _stats.Refusals[reason] == 1 && _stats.Refusals.Total == 1 && _stats.Sessions == 0);
        Assert.Equal(0, _echo.Connections);
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_answered_connection_refused()
    {
        // Bound but not listening: the port stays ours and the kernel answers a connect with a reset.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = await SocksClient.ConnectAsync(Gateway);

        Assert.Equal(0x05, await client.HandshakeAsync(SocksClient.Connect((IPEndPoint)closed.LocalEndPoint!)));
        await Eventually.True(() => _stats.Refusals[SocksRefusal.ConnectionRefused] == 1);
    }

    [Theory]
    [InlineData(new byte[] { 4, 1, 0, 80, 127, 0, 0, 1, 0 }, SocksRefusal.BadVersion)]
    [InlineData(new byte[] { 0x47, 0x45, 0x54, 0x20, 0x2F }, SocksRefusal.BadVersion)]
    [InlineData(new byte[] { 5, 1, 2 }, SocksRefusal.NoAcceptableMethod)]
    [InlineData(new byte[] { 5, 0 }, SocksRefusal.Malformed)]
    public async Task A_refused_greeting_gets_no_acceptable_method_and_is_closed(byte[] greeting, SocksRefusal reason)
    {
        using var client = await SocksClient.ConnectAsync(Gateway);
        await client.SendAsync(greeting);

        Assert.Equal(new byte[] { 5, 0xFF }, await client.ReadAsync(2));
        Assert.True(await client.ClosedAsync());
        await Eventually.True(() => _stats.Refusals[reason] == 1 && _stats.Sessions == 0);
    }

    [Fact]
    public async Task A_client_that_stops_half_way_is_closed_after_the_handshake_timeout_and_one_that_leaves_is_counted()
    {
        var settings = SocksSettings.Off with { HandshakeTimeout = TimeSpan.FromMilliseconds(200) };
        var test = new SocksGatewayTests(settings);
        await using (test)
        {
            using var slow = await SocksClient.ConnectAsync(test.Gateway);
            await slow.SendAsync([5, 1]);
            Assert.True(await slow.ClosedAsync());
            await Eventually.True(() => test._stats.Refusals[SocksRefusal.HandshakeTimeout] == 1);

            using var leaving = await SocksClient.ConnectAsync(test.Gateway);
            await leaving.SendAsync([5, 1, 0, 5, 1]);
            Assert.Equal(new byte[] { 5, 0 }, await leaving.ReadAsync(2));
            leaving.Socket.Shutdown(SocketShutdown.Send);
            await Eventually.True(() => test._stats.Refusals[SocksRefusal.Abandoned] == 1 && test._stats.Sessions == 0);
        }
    }

    [Fact]
    public async Task A_target_that_takes_too_long_to_resolve_is_answered_host_unreachable_after_the_connect_timeout()
    {
        var settings = SocksSettings.Off with { ConnectTimeout = TimeSpan.FromMilliseconds(200) };
        var test = new SocksGatewayTests(settings, async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return [];
        });
        await using (test)
        {
            using var client = await SocksClient.ConnectAsync(test.Gateway);
            Assert.Equal(0x04, await client.HandshakeAsync(SocksClient.Connect("slow.example", 80)));
            await Eventually.True(() => test._stats.Refusals[SocksRefusal.ConnectTimeout] == 1);
        }
    }

    [Fact]
    public async Task Beyond_max_sessions_a_request_is_answered_general_failure_until_a_session_ends()
    {
        var test = new SocksGatewayTests(SocksSettings.Off with { MaxSessions = 1 });
        await using (test)
        {
            using var first = await SocksClient.ConnectAsync(test.Gateway);
            Assert.Equal(0, await first.HandshakeAsync(SocksClient.Connect(test._echo.EndPoint)));

            using (var second = await SocksClient.ConnectAsync(test.Gateway))
            {
                Assert.Equal(0x01, await second.HandshakeAsync(SocksClient.Connect(test._echo.EndPoint)));
                Assert.True(await second.ClosedAsync());
            }

            Assert.Equal(1, test._stats.Refusals[SocksRefusal.SessionLimit]);
            Assert.Equal(1, test._echo.Connections);

            first.Socket.Shutdown(SocketShutdown.Send);
            Assert.True(await first.ClosedAsync());
            await Eventually.True(() => test._stats.Sessions == 0);
            using var third = await SocksClient.ConnectAsync(test.Gateway);
            Assert.Equal(0, await third.HandshakeAsync(SocksClient.Connect(test._echo.EndPoint)));
        }
    }

    [Fact]
    public async Task Disposing_the_gateway_closes_running_sessions_and_the_listen_socket()
    {
        var test = new SocksGatewayTests();
        using var client = await SocksClient.ConnectAsync(test.Gateway);
        Assert.Equal(0, await client.HandshakeAsync(SocksClient.Connect(test._echo.EndPoint)));
        var gateway = test.Gateway;

        await test.DisposeAsync();

        Assert.True(await client.ClosedAsync());
        Assert.Null(test._stats.Listen);
        var refused = await Assert.ThrowsAsync<SocketException>(() => SocksClient.ConnectAsync(gateway));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
