using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Addressing;
using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

/// <summary>
/// A UDP link survives its peer moving to another address (a NAT rebinding, a roaming laptop): the side that stayed
/// follows the first authenticated frame from the new address, and nothing else moves it.
/// </summary>
public sealed class UdpRoamingTests
{
    [Fact]
    public async Task After_a_nat_rebinding_replies_follow_the_peer_to_its_new_address()
    {
        await using var x = LoopbackNode.Create();
        await using var y = LoopbackNode.Create();
        using var nat = new RebindingNat(y.Udp.LocalEndPoint);
        var xToY = await x.ConnectAsync(new PeerUri(TransportKind.Udp, "127.0.0.1", nat.FrontEndPoint.Port, y.Identity.Public));
        var yToX = await y.NextInboundAsync();

        Assert.True(yToX.SendControl(FrameType.KeepAlive, []));
        await Eventually.True(() => xToY.Stats.Traffic[LinkTraffic.FramesIn] >= 1);

        nat.Rebind(); // X's frames now reach Y from another port; the old one is gone
        var (xBefore, yBefore) = (xToY.Stats.Traffic[LinkTraffic.FramesIn], yToX.Stats.Traffic[LinkTraffic.FramesIn]);
        Assert.True(xToY.SendControl(FrameType.KeepAlive, []));
        await Eventually.True(() => yToX.Stats.Traffic[LinkTraffic.FramesIn] > yBefore);
        Assert.Equal(nat.BackEndPoint, yToX.RemoteEndPoint);

        Assert.True(yToX.SendControl(FrameType.KeepAlive, []));
        await Eventually.True(() => xToY.Stats.Traffic[LinkTraffic.FramesIn] > xBefore);
    }

    [Fact]
    public async Task A_replayed_or_forged_frame_from_another_address_does_not_move_the_link()
    {
        await using var x = LoopbackNode.Create();
        await using var y = LoopbackNode.Create();
        using var nat = new RebindingNat(y.Udp.LocalEndPoint);
        var xToY = await x.ConnectAsync(new PeerUri(TransportKind.Udp, "127.0.0.1", nat.FrontEndPoint.Port, y.Identity.Public));
        var yToX = await y.NextInboundAsync();
        Assert.True(xToY.SendControl(FrameType.KeepAlive, []));
        await Eventually.True(() => yToX.Stats.Traffic[LinkTraffic.FramesIn] >= 1);
        var genuine = nat.LastFromClient!;
        var tampered = (byte[])genuine.Clone();
        tampered[^1] ^= 1;
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        attacker.SendTo(genuine, y.Udp.LocalEndPoint);
        attacker.SendTo(tampered, y.Udp.LocalEndPoint);

        await Eventually.True(() => yToX.Stats.Drops[LinkDrop.Replay] + yToX.Stats.Drops[LinkDrop.BadTag] == 2);
        Assert.Equal(nat.BackEndPoint, yToX.RemoteEndPoint);
    }

    /// <summary>A UDP relay that forwards X ↔ Y, and on <see cref="Rebind"/> swaps its Y-facing socket for a new one.</summary>
    private sealed class RebindingNat : IDisposable
    {
        private readonly Socket _front = Bound();
        private readonly IPEndPoint _target;
        private readonly CancellationTokenSource _stop = new();
        private Socket _back = Bound();
        private EndPoint? _client;
        private byte[]? _lastFromClient;

        public RebindingNat(IPEndPoint target)
        {
            _target = target;
            new Thread(FrontLoop) { IsBackground = true }.Start();
            StartBackLoop(_back);
        }

        public IPEndPoint FrontEndPoint => (IPEndPoint)_front.LocalEndPoint!;

        public IPEndPoint BackEndPoint => (IPEndPoint)Volatile.Read(ref _back).LocalEndPoint!;

        /// <summary>A copy of the last datagram X sent through the NAT.</summary>
        public byte[]? LastFromClient => Volatile.Read(ref _lastFromClient);

        public void Rebind()
        {
            var old = Interlocked.Exchange(ref _back, Bound());
            StartBackLoop(_back);
            old.Dispose();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _front.Dispose();
            _back.Dispose();
        }

        private static Socket Bound()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return socket;
        }

        private void FrontLoop()
        {
            var buffer = new byte[BufferLayout.MaxBufferSize];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var length = _front.ReceiveFrom(buffer, ref from);
                    Volatile.Write(ref _client, from);
                    Volatile.Write(ref _lastFromClient, buffer[..length]);
                    Volatile.Read(ref _back).SendTo(buffer.AsSpan(0, length), _target);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    if (_stop.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
        }

        private void StartBackLoop(Socket back) => new Thread(() =>
        {
            var buffer = new byte[BufferLayout.MaxBufferSize];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var length = back.ReceiveFrom(buffer, ref from);
                    if (Volatile.Read(ref _client) is { } client)
                    {
                        _front.SendTo(buffer.AsSpan(0, length), client);
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return; // this socket was rebound away or the NAT stopped
                }
            }
        }) { IsBackground = true }.Start();
    }
}
