using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

/// <summary>What unauthenticated strangers can make a node spend: bounded time, bounded state, counted.</summary>
public sealed class HandshakeBoundsTests
{
    [Theory]
    [InlineData(new byte[] { 0x00, 0x03, 1, 2, 3 })]                     // length prefix below a header
    [InlineData(new byte[] { 0x00, 0x10, 1, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // a frame, but not an initiation
    public async Task Garbage_before_the_handshake_closes_the_connection_and_is_counted(byte[] garbage)
    {
        await using var bob = LoopbackNode.Create();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(bob.Tcp.LocalEndPoint);

        await socket.SendAsync(garbage);

        Assert.Equal(0, await ReceiveUntilClosedAsync(socket));
        await Eventually.True(() => bob.Tcp.Stats.Refused[HandshakeError.Malformed] == 1);
        Assert.Equal(0, bob.Env.Indexes.Count);
    }

    [Fact]
    public async Task A_silent_connection_is_closed_after_the_handshake_timeout()
    {
        await using var bob = LoopbackNode.Create(options: new LinkOptions { HandshakeTimeoutMs = 200 });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(bob.Tcp.LocalEndPoint);

        Assert.Equal(0, await ReceiveUntilClosedAsync(socket));
        await Eventually.True(() => bob.Tcp.Stats.Events[HandshakeEvent.TimedOut] == 1);
    }

    [Fact]
    public async Task Tcp_connections_beyond_the_pending_handshake_cap_are_closed_at_once()
    {
        // No pending handshake may time out while the twenty connect, however slowly the machine runs: a slot freed by
        // a timeout would admit a later connection and the count of refusals would depend on speed.
        await using var bob = LoopbackNode.Create(options: new LinkOptions { MaxPendingHandshakes = 4, HandshakeTimeoutMs = 30_000 });
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                await socket.ConnectAsync(bob.Tcp.LocalEndPoint);
            }

            await Eventually.True(() => bob.Tcp.Stats.Events[HandshakeEvent.OverCapacity] == 16);
            Assert.True(bob.Tcp.PendingHandshakes <= 4);
        }
        finally
        {
            sockets.ForEach(socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task A_udp_initiation_flood_keeps_handshake_state_bounded_and_a_real_peer_still_gets_in()
    {
        const int flood = 3_000;
        const int cap = 64;
        // Sent in windows the socket buffer always holds, each only once the node has counted the one before: the
        // flood arrives whole however slowly the node runs. Half-open entries outlive the test (no expiry shrinks them).
        const int window = 32;
        await using var bob = LoopbackNode.Create(options: new LinkOptions { MaxHalfOpen = cap, HandshakeTimeoutMs = 30_000 });
        await using var alice = LoopbackNode.Create();
        using var attacker = NodeIdentity.Generate();
        using var socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(bob.Udp.LocalEndPoint);
        var settings = new HandshakeSettings(attacker, AdmissionPolicy.Open);
        var initiation = new byte[HandshakeLayout.XxInitSize];
        for (var i = 0; i < flood; i++)
        {
            if (i % window == 0)
            {
                var sent = i;
                await Eventually.True(() => bob.Udp.Stats.Events[HandshakeEvent.Accepted] >= sent - window, 60_000, $"the node counted {sent - window} initiations");
            }

            using var initiator = new HandshakeInitiator(settings, pinnedResponder: null, localIndex: (uint)i + 1);
            initiator.WriteInitiation((ulong)i, initiation);
            socket.Send(initiation);
        }

        await Eventually.True(() => bob.Udp.Stats.Events[HandshakeEvent.Accepted] >= flood - window, 60_000, "the node counted the flood");
        Assert.Equal(cap, bob.Env.Responder.HalfOpenCount);
        // The reader takes an index for an initiation before the table evicts its oldest: one over for a moment.
        await Eventually.True(() => bob.Env.Indexes.Count <= cap, because: $"{bob.Env.Indexes.Count} session indexes held");

        var link = await alice.ConnectAsync(bob.UdpUri(pinned: false));
        Assert.Equal(bob.Identity.Public, link.Peer);
    }

    private static async Task<int> ReceiveUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[256];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return 0;
        }
    }
}
