using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using MeshActors.Protocol.Tunnels;

namespace MeshActors.Node.Tunnels;

/// <summary>
/// The near end of one tunnel: a socket on 127.0.0.1:<see cref="TunnelSpec.ListenPort"/> and its loop
/// (<c>tunnel-N</c>), which tells the <see cref="TunnelActor"/> of each accepted connection (TCP) or of the first
/// datagram from a new client (UDP; the actor opens one stream per client address, and the loop hands that client's later
/// datagrams straight to its stream, no mailbox). Disposing closes the socket and ends the loop.
/// </summary>
internal sealed class TunnelListener : IDisposable
{
    /// <summary>Connections the kernel queues before the loop takes them.</summary>
    private const int Backlog = 128;

    /// <summary>Largest UDP datagram a tunnel carries: one Data frame.</summary>
    private const int MaxDatagram = TunnelFrame.MaxData;

    private readonly CancellationTokenSource _stop = new();

    private TunnelListener(int id, TunnelSpec spec, Socket socket)
    {
        Id = id;
        Spec = spec;
        Socket = socket;
    }

    public int Id { get; }

    public TunnelSpec Spec { get; }

    public Socket Socket { get; }

    /// <summary>UDP: the clients with a stream, whose datagrams this loop hands straight to their end; a datagram
    /// from any other address goes to the actor, which opens a stream for it.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<IPEndPoint, UdpClientEnd> Clients { get; } = new();

    /// <summary>A datagram was dropped because its client's queue was full.</summary>
    public Action? Dropped { get; init; }

    /// <summary>Binds 127.0.0.1:<see cref="TunnelSpec.ListenPort"/> (a <see cref="SocketException"/> when it cannot)
    /// and starts the loop, which reports to <paramref name="actor"/>.</summary>
    public static TunnelListener Start(int id, TunnelSpec spec, IActorRef actor, Action dropped)
    {
        var tcp = spec.Protocol == TunnelProtocol.Tcp;
        var socket = new Socket(AddressFamily.InterNetwork, tcp ? SocketType.Stream : SocketType.Dgram, tcp ? ProtocolType.Tcp : ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, spec.ListenPort));
            if (tcp)
            {
                socket.Listen(Backlog);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var listener = new TunnelListener(id, spec, socket) { Dropped = dropped };
        _ = Task.Run(() => tcp ? listener.AcceptAsync(actor) : listener.ReceiveAsync(actor));
        return listener;
    }

    public void Dispose()
    {
        _stop.Cancel();
        Socket.Dispose();
    }

    private async Task AcceptAsync(IActorRef actor)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                actor.Tell(new ConnectionAccepted(Id, await Socket.AcceptAsync(_stop.Token)));
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before it was accepted: the next one.
            }
        }
    }

    private async Task ReceiveAsync(IActorRef actor)
    {
        var buffer = new byte[MaxDatagram];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await Socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                if (received.ReceivedBytes == 0)
                {
                    continue;
                }

                var client = (IPEndPoint)received.RemoteEndPoint;
                var datagram = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
                if (!Clients.TryGetValue(client, out var end))
                {
                    actor.Tell(new DatagramReceived(Id, client, datagram));
                }
                else if (!end.Offer(datagram))
                {
                    Dropped?.Invoke();
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error for an earlier reply (the client went away): keep serving the others.
            }
        }
    }
}

/// <summary>Listener → actor: a TCP connection on tunnel <paramref name="Tunnel"/>.</summary>
internal sealed record ConnectionAccepted(int Tunnel, Socket Socket);

/// <summary>Listener → actor: a datagram from a client without a stream on UDP tunnel <paramref name="Tunnel"/>.</summary>
internal sealed record DatagramReceived(int Tunnel, IPEndPoint Client, byte[] Datagram);
