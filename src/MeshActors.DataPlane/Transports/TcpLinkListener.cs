using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Links;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// Accepts TCP connections and turns each into an established <see cref="Link"/>, raised as <see cref="InboundLink"/>.
/// Pipeline: accept loop (async, one per listener) → per connection an async handshake bounded by the handshake
/// timeout and by <see cref="LinkOptions.MaxPendingHandshakes"/> concurrent handshakes → link started → event.
/// A connection whose first bytes are not a handshake initiation, that is refused, or that stays silent is closed
/// and counted in <see cref="Stats"/>. Stops on <see cref="DisposeAsync"/>; established links live on.
/// </summary>
public sealed class TcpLinkListener : IAsyncDisposable
{
    private readonly LinkEnvironment _env;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _pending;

    private TcpLinkListener(LinkEnvironment env, Socket socket)
    {
        _env = env;
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Raised on a thread-pool thread for each new inbound link, already started.</summary>
    public event Action<Link>? InboundLink;

    public IPEndPoint LocalEndPoint { get; }

    public ListenerStats Stats { get; } = new();

    /// <summary>Handshakes running right now.</summary>
    public int PendingHandshakes => Volatile.Read(ref _pending);

    /// <summary>Binds and starts accepting. Port 0 picks a free port (see <see cref="LocalEndPoint"/>).</summary>
    public static TcpLinkListener Start(LinkEnvironment env, IPEndPoint endPoint, Action<Link>? onInbound = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(backlog: 512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var listener = new TcpLinkListener(env, socket);
        if (onInbound is not null)
        {
            listener.InboundLink += onInbound;
        }

        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            Stats.Events.Increment(HandshakeEvent.Accepted);
            if (Interlocked.Increment(ref _pending) > _env.Options.MaxPendingHandshakes)
            {
                Interlocked.Decrement(ref _pending);
                Stats.Events.Increment(HandshakeEvent.OverCapacity);
                connection.Dispose();
                continue;
            }

            _ = HandshakeAsync(connection);
        }
    }

    private async Task HandshakeAsync(Socket connection)
    {
        var transport = default(TcpTransport);
        var handedOver = false;
        try
        {
            TcpTransport.Configure(connection);
            var reader = new TcpFrameReader(connection, _env.Loops.ForWaits());
            transport = new TcpTransport(connection, reader);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(_env.Options.HandshakeTimeoutMs);
            var session = await StreamHandshake.RespondAsync(_env, transport, reader, timeout.Token).ConfigureAwait(false);
            if (_stop.IsCancellationRequested)
            {
                // The listener was disposed while this handshake finished: nobody would own the link.
                _env.Indexes.Release(session.LocalIndex);
                session.Dispose();
                return;
            }

            var link = new Link(_env, transport, session, isOutbound: false);
            link.Start();
            handedOver = true;
            Stats.Events.Increment(HandshakeEvent.Established);
            InboundLink?.Invoke(link);
        }
        catch (LinkHandshakeException e)
        {
            Stats.Refused.Increment(e.Error);
        }
        catch (OperationCanceledException)
        {
            Stats.Events.Increment(HandshakeEvent.TimedOut);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            Stats.Events.Increment(HandshakeEvent.TransportFailed);
        }
        finally
        {
            if (!handedOver)
            {
                if (transport is not null)
                {
                    transport.Abandon();
                }
                else
                {
                    connection.Dispose();
                }
            }

            Interlocked.Decrement(ref _pending);
        }
    }
}
